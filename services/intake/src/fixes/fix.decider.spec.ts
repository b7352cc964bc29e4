import { eventSchemaErrors } from '@smi/contracts';
import { given } from '@smi/decider';
import { FixProposed, fixDecider, FIX_PROPOSER_PARTY_TYPES, ProposeFix } from './fix.decider';

const at = '2026-11-25T10:00:00.000Z';

const base: Omit<ProposeFix, 'item' | 'report' | 'device'> = {
  type: 'ProposeFix',
  fixId: 'F-000001',
  proposerPartyId: 'SUP-A',
  proposerPartyType: 'supplier',
  fixingFirmwareVersion: '3804050b',
  fixInformation: 'Upgrade to 3804050B; released 2026-11-01 via the DCC firmware process.',
  at,
};

const byDevice: ProposeFix = { ...base, device: { make: ' Northwind Metering ', model: 'NW-E1', firmwareVersion: '3804040a', deviceType: 'esme' } };

const proposedForDevice: FixProposed = {
  type: 'FixProposed',
  fixId: 'F-000001',
  proposerPartyId: 'SUP-A',
  proposerPartyType: 'supplier',
  source: 'SEC Party',
  target: { kind: 'device' },
  make: 'Northwind Metering',
  model: 'NW-E1',
  firmwareVersion: '3804040A',
  deviceType: 'ESME',
  fixingFirmwareVersion: '3804050B',
  fixInformation: 'Upgrade to 3804050B; released 2026-11-01 via the DCC firmware process.',
  status: 'awaiting-manufacturer-confirmation',
  proposedAt: at,
};

describe('fix proposal rules (R5: fixes from any party, confirmed by the manufacturer)', () => {
  it('records a fix for a make, model and firmware version, awaiting the manufacturer', () => {
    given(fixDecider, []).when(byDevice).then([proposedForDevice]);
  });

  it('accepts a device without a device type', () => {
    given(fixDecider, [])
      .when({ ...base, device: { make: 'Northwind Metering', model: 'NW-E1', firmwareVersion: '3804040A' } })
      .then([{ ...proposedForDevice, deviceType: null }]);
  });

  it("records a fix for a provider's item by provider and Identifier (leading zeros not significant)", () => {
    given(fixDecider, [])
      .when({ ...base, item: { providerPartyId: 'MFR-NW', identifier: '00042' } })
      .then([{ ...proposedForDevice, target: { kind: 'item', providerPartyId: 'MFR-NW', identifier: '42' }, make: null, model: null, firmwareVersion: null, deviceType: null }]);
  });

  it('records a fix for a report, copying the device the report describes', () => {
    given(fixDecider, [])
      .when({ ...base, report: { reportId: 'R-000007', found: { reportId: 'R-000007', make: 'Northwind Metering', model: 'NW-E1', firmwareVersion: '3804040A', deviceType: 'ESME' } } })
      .then([{ ...proposedForDevice, target: { kind: 'report', reportId: 'R-000007' } }]);
  });

  it('refuses a report the proposer cannot see or that does not exist', () => {
    given(fixDecider, []).when({ ...base, report: { reportId: 'R-000999', found: undefined } }).thenThrows('REPORT_NOT_FOUND');
  });

  it('needs exactly one target', () => {
    given(fixDecider, []).when({ ...base }).thenThrows('INVALID_FIX_TARGET');
    given(fixDecider, []).when({ ...byDevice, item: { providerPartyId: 'MFR-NW', identifier: '1' } }).thenThrows('INVALID_FIX_TARGET');
  });

  it('refuses an Identifier that is not a number, a bad device type, blank information', () => {
    given(fixDecider, []).when({ ...base, item: { providerPartyId: 'MFR-NW', identifier: 'A12' } }).thenThrows('INVALID_IDENTIFIER');
    given(fixDecider, []).when({ ...base, device: { ...byDevice.device!, deviceType: 'meter' } }).thenThrows('INVALID_DEVICE_TYPE');
    given(fixDecider, []).when({ ...byDevice, fixInformation: '  ' }).thenThrows('INVALID_FIELD');
    given(fixDecider, []).when({ ...byDevice, fixingFirmwareVersion: '' }).thenThrows('INVALID_FIELD');
  });

  it('keeps the fix information exactly as given', () => {
    given(fixDecider, [])
      .when({ ...byDevice, fixInformation: ' =see note ' })
      .thenMatches((events) => expect(events[0].fixInformation).toBe(' =see note '));
  });

  it('refuses a "fix" to the very firmware version that is affected', () => {
    given(fixDecider, []).when({ ...byDevice, fixingFirmwareVersion: '3804040A' }).thenThrows('FIX_FIRMWARE_UNCHANGED');
  });

  it.each([
    ['manufacturer', 'Device Manufacturer'],
    ['csp', 'CSP'],
    ['dcc', 'DCC'],
    ['network', 'SEC Party'],
    ['supplier', 'SEC Party'],
  ])('accepts a proposal from a %s, source %s', (partyType, source) => {
    given(fixDecider, [])
      .when({ ...byDevice, proposerPartyType: partyType })
      .thenMatches((events) => expect(events[0]).toMatchObject({ proposerPartyType: partyType, source }));
  });

  it.each(['secas', 'dsp'])('refuses a proposal from %s', (partyType) => {
    given(fixDecider, []).when({ ...byDevice, proposerPartyType: partyType }).thenThrows('FORBIDDEN_FIX_PROPOSER');
    expect(FIX_PROPOSER_PARTY_TYPES as readonly string[]).not.toContain(partyType);
  });

  it('refuses to record the same fix id twice', () => {
    given(fixDecider, [proposedForDevice]).when(byDevice).thenThrows('FIX_EXISTS');
  });

  it('emits events that match the published contract, for every kind of target', () => {
    const events = [
      ...given(fixDecider, []).when(byDevice).then([proposedForDevice]),
      ...given(fixDecider, []).when({ ...base, item: { providerPartyId: 'MFR-NW', identifier: '42' } }).thenMatches(() => undefined),
      ...given(fixDecider, [])
        .when({ ...base, report: { reportId: 'R-000007', found: { reportId: 'R-000007', make: 'M', model: 'X', firmwareVersion: '1', deviceType: 'CHF' } } })
        .thenMatches(() => undefined),
    ];
    expect(events.map((e) => e.target.kind)).toEqual(['device', 'item', 'report']);
    for (const { type, ...data } of events) expect(eventSchemaErrors('intake', type, 1, data)).toEqual([]);
  });
});
