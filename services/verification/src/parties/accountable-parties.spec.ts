import { AccountableParties } from './accountable-parties';

const ACME_MFR = { partyId: 'ACME-MFR', partyType: 'manufacturer' } as const;
const CSP_N = { partyId: 'CSP-N', partyType: 'csp' } as const;
const parties = AccountableParties.of([
  { ...ACME_MFR, makes: ['Acme Meters', 'ACME meters'] },
  { ...CSP_N, makes: [' acme   METERS '] },
  { partyId: 'TWIN-A', partyType: 'manufacturer', makes: ['Twin'] },
  { partyId: 'TWIN-B', partyType: 'manufacturer', makes: ['twin'] },
  { partyId: 'NEW-MFR', partyType: 'manufacturer', makes: ['Newco'] },
]);

describe('accountable party lookup', () => {
  it('names the manufacturer of the make, whatever its spelling; for a Comms Hub the CSP', () => {
    expect(parties.for('acme meters', 'ESME')).toEqual(ACME_MFR);
    expect(parties.for('ACME  Meters ', 'CHF')).toEqual(CSP_N);
    expect(parties.for('Acme Meters', 'GPF')).toEqual(CSP_N);
  });

  it('names nobody for a make registered by none, or by two, or no make at all', () => {
    expect(parties.for('Zeta', 'ESME')).toBeNull();
    expect(parties.for('Twin', 'ESME')).toBeNull();
    expect(parties.for('Newco', 'CHF')).toBeNull();
    expect(parties.for(null, 'ESME')).toBeNull();
  });
});

