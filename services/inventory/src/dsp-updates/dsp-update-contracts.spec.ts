import { INVENTORY_MESSAGE_SCHEMAS } from '@smi/contracts';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readDspUpdateMessage } from './dsp-update-input';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const reportSchema = ajv.compile(INVENTORY_MESSAGE_SCHEMAS['inventory.device-reports']);

const AT = '2024-05-01T09:30:00.000Z';
const DEVICE = '00-DB-12-34-56-78-90-A0';
const DSP = { userId: 'dsp-integration', partyId: 'DSP', partyType: 'dsp', roles: [] };

// The published schema of inventory.device-reports and the code that reads the topic must agree on what is acceptable.
describe('the published inventory.device-reports schema agrees with the inventory', () => {
  it.each<[string, unknown, boolean]>([
    ['a status report', { kind: 'status', reportId: 'dsp-1', deviceId: DEVICE, status: 'Commissioned', reason: 'commissioned', sender: DSP }, true],
    ['a Change of Supplier', { kind: 'responsible-supplier', reportId: 'dsp-2', deviceId: DEVICE, supplierPartyId: 'SUPPLIER-B', supplierUserId: null, effectiveFrom: '2024-06-01', sender: DSP }, true],
    ['an unknown status', { kind: 'status', reportId: 'dsp-3', deviceId: DEVICE, status: 'Installed', reason: 'x', sender: DSP }, false],
    ['a report without an id', { kind: 'status', deviceId: DEVICE, status: 'Commissioned', reason: 'x', sender: DSP }, false],
    ['an unknown kind', { kind: 'colour', reportId: 'dsp-4', deviceId: DEVICE, sender: DSP }, false],
    ['a date that is not a date', { kind: 'responsible-supplier', reportId: 'dsp-5', deviceId: DEVICE, supplierPartyId: 'B', effectiveFrom: 'June', sender: DSP }, false],
  ])('%s', (_why, message, acceptable) => {
    expect(reportSchema(message)).toBe(acceptable);
    expect(readDspUpdateMessage(message, AT).ok).toBe(acceptable);
  });
});
