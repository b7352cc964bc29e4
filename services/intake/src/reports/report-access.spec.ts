import { PARTY_TYPES } from '@smi/auth';
import { canReadReport } from './report-access';
import { REPORTER_PARTY_TYPES } from './report.decider';

describe('who may report and read reports', () => {
  it('lets suppliers, network parties and the DCC report; manufacturers and CSPs submit files instead', () => {
    const matrix = Object.fromEntries(PARTY_TYPES.map((t) => [t, (REPORTER_PARTY_TYPES as readonly string[]).includes(t)]));
    expect(matrix).toEqual({ dcc: true, supplier: true, network: true, manufacturer: false, csp: false, dsp: false, secas: false });
  });

  it.each([
    ['dcc', 'DCC', true],
    ['supplier', 'SUP-A', true],
    ['supplier', 'SUP-B', false],
    ['network', 'DNO-1', false],
    ['manufacturer', 'MFR-NW', false],
    ['secas', 'SECAS', false],
  ])('a report by SUP-A is readable by %s %s: %s', (partyType, partyId, expected) => {
    expect(canReadReport({ partyType, partyId }, { reporterPartyId: 'SUP-A' })).toBe(expected);
  });
});
