/** Events the intake service publishes on `intake.events` (data only; CloudEvents headers carry the rest). */
export type RegisteredPartyType = 'manufacturer' | 'csp' | 'supplier' | 'network' | 'dcc' | 'secas';

export interface PartyRegisteredData {
  partyId: string;
  name: string;
  partyType: RegisteredPartyType;
  makes: string[];
  registeredAt: string;
}

export interface PartyDetailsChangedData {
  partyId: string;
  name: string;
  makes: string[];
  previous: { name: string; makes: string[] };
  changedAt: string;
}
