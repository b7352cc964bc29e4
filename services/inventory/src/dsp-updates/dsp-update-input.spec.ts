import { readDspUpdateMessage } from './dsp-update-input';

const AT = '2024-05-01T09:30:00.000Z';
const DEVICE = '00-DB-12-34-56-78-90-A0';
const DSP = { userId: 'dsp-integration', partyId: 'DSP', partyType: 'dsp', roles: [] };

describe('reading a DSP update from inventory.device-reports', () => {
  it('reads a status report', () => {
    expect(readDspUpdateMessage({ kind: 'status', reportId: 'dsp-1', deviceId: DEVICE, status: 'Commissioned', reason: 'commissioned', sender: DSP }, AT)).toEqual({
      ok: true,
      command: { type: 'ChangeDeviceStatus', requestId: 'dsp-1', deviceId: DEVICE, sender: DSP, at: AT, to: 'Commissioned', reason: 'commissioned' },
    });
  });

  it('reads a Change of Supplier, a missing user id becoming null', () => {
    const read = readDspUpdateMessage({ kind: 'responsible-supplier', reportId: 'dsp-2', deviceId: DEVICE, supplierPartyId: 'SUPPLIER-B', effectiveFrom: '2024-06-01', sender: DSP }, AT);
    expect(read).toEqual({
      ok: true,
      command: { type: 'ChangeResponsibleSupplier', requestId: 'dsp-2', deviceId: DEVICE, sender: DSP, at: AT, supplierPartyId: 'SUPPLIER-B', supplierUserId: null, effectiveFrom: '2024-06-01' },
    });
  });

  it.each<[string, unknown, string]>([
    ['an unknown kind', { kind: 'colour' }, 'kind'],
    ['an unknown status', { kind: 'status', reportId: 'r', deviceId: DEVICE, status: 'Installed', reason: 'x', sender: DSP }, 'status'],
    ['no report id', { kind: 'status', deviceId: DEVICE, status: 'Commissioned', reason: 'x', sender: DSP }, 'reportId'],
    ['an impossible date', { kind: 'responsible-supplier', reportId: 'r', deviceId: DEVICE, supplierPartyId: 'B', effectiveFrom: '2024-02-30', sender: DSP }, 'effectiveFrom'],
    ['a bad gaining user', { kind: 'responsible-supplier', reportId: 'r', deviceId: DEVICE, supplierPartyId: 'B', supplierUserId: 'bob', effectiveFrom: '2024-06-01', sender: DSP }, 'supplierUserId'],
  ])('refuses %s, naming the field', (_why, raw, field) => {
    const read = readDspUpdateMessage(raw, AT);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.errors.map((e) => e.field)).toContain(field);
  });
});
