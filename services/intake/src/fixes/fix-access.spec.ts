import { PARTY_TYPES } from '@smi/auth';
import { canReadFix, FixReader, ReadableFix } from './fix-access';
import { FIX_PROPOSER_PARTY_TYPES } from './fix.decider';

const forMake: ReadableFix = { proposerPartyId: 'SUP-A', make: 'Northwind Metering', target: { kind: 'device' } };
const forItem: ReadableFix = { proposerPartyId: 'SUP-A', make: null, target: { kind: 'item', providerPartyId: 'MFR-NW', identifier: '42' } };

const reader = (partyType: string, partyId: string, makes: string[] = []): FixReader => ({ partyId, partyType, makes });

describe('who may propose and read fixes', () => {
  it('lets every party that provides or uses device data propose; not SECAS, not the DSP', () => {
    const matrix = Object.fromEntries(PARTY_TYPES.map((t) => [t, (FIX_PROPOSER_PARTY_TYPES as readonly string[]).includes(t)]));
    expect(matrix).toEqual({ dcc: true, supplier: true, manufacturer: true, csp: true, network: true, dsp: false, secas: false });
  });

  it.each([
    ['the DCC', reader('dcc', 'DCC'), true],
    ["the proposer's party", reader('supplier', 'SUP-A'), true],
    ['another supplier', reader('supplier', 'SUP-B'), false],
    ['the manufacturer registered for the make (any spelling)', reader('manufacturer', 'MFR-NW', ['northwind  METERING']), true],
    ['a CSP registered for the make', reader('csp', 'CSP-N', ['Northwind Metering']), true],
    ['another manufacturer', reader('manufacturer', 'MFR-SW', ['Southwind']), false],
    ['SECAS', reader('secas', 'SECAS'), false],
    ['a network party', reader('network', 'DNO-1'), false],
  ])('a proposal for a make is readable by %s: %s', (_who, who, expected) => {
    expect(canReadFix(who, forMake)).toBe(expected);
  });

  it("lets the provider of the item read a proposal for that item, and nobody else's makes matter", () => {
    expect(canReadFix(reader('manufacturer', 'MFR-NW'), forItem)).toBe(true);
    expect(canReadFix(reader('manufacturer', 'MFR-SW', ['Northwind Metering']), forItem)).toBe(false);
    // A supplier named as the "provider" gains nothing: items come from manufacturers and CSPs.
    expect(canReadFix(reader('supplier', 'MFR-NW'), forItem)).toBe(false);
  });
});
