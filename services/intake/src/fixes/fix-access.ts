import { FixTargetData } from '@smi/contracts';
import { makeKey } from '../device-fields/device-fields';

/** Parties that answer for makes (party registry) and so confirm fixes for them. */
const MAKE_HOLDER_PARTY_TYPES = ['manufacturer', 'csp'];

export interface FixReader {
  partyId: string;
  partyType: string;
  /** The makes the registry holds for the reader; empty for parties without makes or not registered. */
  makes: readonly string[];
}

export interface ReadableFix {
  proposerPartyId: string;
  make: string | null;
  target: FixTargetData;
}

/**
 * Who reads a fix proposal: the DCC; the proposer's party; and the party that must confirm it, that is
 * the manufacturer (or CSP) registered for the fixed make, or the provider of the fixed item.
 */
export function canReadFix(reader: FixReader, fix: ReadableFix): boolean {
  if (reader.partyType === 'dcc' || reader.partyId === fix.proposerPartyId) return true;
  if (!MAKE_HOLDER_PARTY_TYPES.includes(reader.partyType)) return false;
  if (fix.target.kind === 'item' && fix.target.providerPartyId === reader.partyId) return true;
  return fix.make !== null && reader.makes.some((make) => makeKey(make) === makeKey(fix.make!));
}

export function holdsMakes(partyType: string): boolean {
  return MAKE_HOLDER_PARTY_TYPES.includes(partyType);
}
