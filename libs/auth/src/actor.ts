/**
 * The kinds of party that take part in GB smart metering under the SEC. A token's `partyType` claim must
 * be one of these; endpoints grant access by party type first and by role second.
 */
export const PARTY_TYPES = ['dcc', 'supplier', 'manufacturer', 'csp', 'network', 'dsp', 'secas'] as const;

export type PartyType = (typeof PARTY_TYPES)[number];

export function isPartyType(value: unknown): value is PartyType {
  return typeof value === 'string' && (PARTY_TYPES as readonly string[]).includes(value);
}

/** A caller whose bearer token has been verified. Built only by JwtVerifier, so its fields can be trusted. */
export interface Actor {
  /** Token `sub`: a DCC User ID (EUI-64, e.g. 90-B3-D5-1F-30-01-00-01) or a person id. */
  userId: string;
  /** Token `party` claim: the organisation the user acts for. */
  partyId: string;
  partyType: PartyType;
  roles: string[];
}
