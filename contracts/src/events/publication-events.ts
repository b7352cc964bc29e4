/*
 * Events the publication service records and publishes on `publication.events` (data only; CloudEvents
 * headers carry the type, ids and the actor). Access to the defects database for network parties (SECMP0137
 * R7): DCC adds them one by one, or lets every network party in with one switch; each change is an event on
 * the stream `network-access`. Absent optional values are `null`, never missing.
 */

/** One network party by its party id, or the switch that lets every network party in. */
export type NetworkAccessScope = 'party' | 'all-network-parties';

export interface NetworkAccessGrantedData {
  scope: NetworkAccessScope;
  /** The network party for scope `party`; `null` for `all-network-parties`. */
  partyId: string | null;
  grantedAt: string;
}

/** A party granted by name keeps its access when the switch for every network party is turned off. */
export interface NetworkAccessRevokedData {
  scope: NetworkAccessScope;
  partyId: string | null;
  revokedAt: string;
}
