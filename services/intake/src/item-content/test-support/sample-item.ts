import { SubmittedItem } from '../submitted-item';

/**
 * One valid item in canonical form, for the tests of every step that handles an item: validation makes it from a
 * manufacturer's row (MANUFACTURER_CELLS in submissions/test-support), the item aggregate records it. Tests that
 * need another item spread this one and change only the fields they are about.
 */
export const SAMPLE_ITEM: SubmittedItem = {
  identifier: '1001',
  make: 'Northwind Metering',
  model: 'NW-E470',
  firmwareVersion: '0002012F',
  deviceType: 'ESME',
  source: 'Device Manufacturer',
  statusOfInformation: 'Defect',
  dateLastUpdated: '2026-03-14',
  fixAvailable: true,
  fixInformation: 'Upgrade to 00020130',
};
