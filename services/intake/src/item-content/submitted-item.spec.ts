import { SubmittedItem, contentHash, diffItems } from './submitted-item';

const ITEM: SubmittedItem = {
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

describe('contentHash', () => {
  it('is the same for the same content, whatever the order the object was built in', () => {
    const reordered = Object.fromEntries(Object.entries(ITEM).reverse()) as unknown as SubmittedItem;
    expect(contentHash(reordered)).toBe(contentHash(ITEM));
    expect(contentHash(ITEM)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when any field changes, null and empty text included', () => {
    const hashes = new Set([
      contentHash(ITEM),
      contentHash({ ...ITEM, fixInformation: null }),
      contentHash({ ...ITEM, fixInformation: '' }),
      contentHash({ ...ITEM, fixAvailable: false }),
      contentHash({ ...ITEM, dateLastUpdated: '2026-03-15' }),
      contentHash({ ...ITEM, make: 'Northwind Meterin', model: 'gNW-E470' }),
    ]);
    expect(hashes.size).toBe(6);
  });
});

describe('diffItems', () => {
  it('lists the changed fields in column order', () => {
    expect(diffItems(ITEM, { ...ITEM })).toEqual([]);
    expect(
      diffItems(ITEM, { ...ITEM, fixInformation: null, statusOfInformation: 'Fix', firmwareVersion: '00020130' }),
    ).toEqual(['firmwareVersion', 'statusOfInformation', 'fixInformation']);
  });
});
