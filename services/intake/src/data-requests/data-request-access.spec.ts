import { PARTY_TYPES } from '@smi/auth';
import { canReadDataRequest, DATA_REQUEST_ISSUER_PARTY_TYPES, DATA_REQUEST_OVERSEER_PARTY_TYPES, DATA_REQUEST_READER_PARTY_TYPES } from './data-request-access';
import { parseQuarter } from './quarter';

describe('who may issue and read data requests', () => {
  it('matrix by party type: issue (DCC), see all and the non-suppliers (DCC, SECAS), read own (providers)', () => {
    const matrix = Object.fromEntries(
      PARTY_TYPES.map((t) => [t, [DATA_REQUEST_ISSUER_PARTY_TYPES.includes(t), DATA_REQUEST_OVERSEER_PARTY_TYPES.includes(t), DATA_REQUEST_READER_PARTY_TYPES.includes(t)]]),
    );
    expect(matrix).toEqual({
      dcc: [true, true, true],
      secas: [false, true, true],
      manufacturer: [false, false, true],
      csp: [false, false, true],
      supplier: [false, false, false],
      network: [false, false, false],
      dsp: [false, false, false],
    });
  });

  it.each([
    ['dcc', 'DCC', true],
    ['secas', 'SECAS', true],
    ['manufacturer', 'MFR-NW', true],
    ['manufacturer', 'MFR-SW', false],
    ['csp', 'CSP-N', false],
    ['supplier', 'MFR-NW', false],
  ])("MFR-NW's request is readable by %s %s: %s", (partyType, partyId, expected) => {
    expect(canReadDataRequest({ partyType, partyId }, { providerPartyId: 'MFR-NW' })).toBe(expected);
  });
});

describe('quarters', () => {
  it.each([
    ['2026-Q1', '2026-01-01', '2026-03-31'],
    ['2026-Q2', '2026-04-01', '2026-06-30'],
    ['2026-Q3', '2026-07-01', '2026-09-30'],
    ['2026-Q4', '2026-10-01', '2026-12-31'],
    ['2028-Q1', '2028-01-01', '2028-03-31'],
  ])('%s runs from %s to %s', (quarter, from, to) => {
    expect(parseQuarter(quarter)).toEqual({ quarter, from, to });
  });

  it('refuses anything else', () => {
    expect(() => parseQuarter('2026-Q5')).toThrow(/quarter/);
    expect(() => parseQuarter('Q4-2026')).toThrow(/quarter/);
  });
});
