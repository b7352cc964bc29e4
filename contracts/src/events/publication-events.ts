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

/*
 * Quarterly releases of the defects database (SECMP0137, issue 12 point 7), stream `releases`: DCC cuts an
 * immutable, numbered release for a quarter; a quarter left without one by its 10th working day after it ends
 * raises ReleaseDue, once.
 */

/** A read model's place in publication's event store when the release was cut. */
export interface CataloguePosition {
  transactionId: string;
  position: string;
}

/** How a row of an edition compares with the same item in the previous release's edition. */
export type ReleaseRowChange = 'new' | 'updated' | 'original';

export interface ReleaseEditionCounts {
  /** Rows in the edition. */
  items: number;
  byStatusOfInformation: { Issue: number; Defect: number; Fix: number };
  /** Against the previous release's same edition: rows new, updated and as they were, and rows no longer there. */
  changes: { new: number; updated: number; original: number; removed: number };
}

export interface DccEditionCounts extends ReleaseEditionCounts {
  /** Cases by verification state (queued, verified, withdrawn …). */
  byState: Record<string, number>;
  published: number;
  unverified: number;
}

/** A manufacturer or CSP with a data request due in the period that no submission fulfilled. */
export interface NonSupplierData {
  providerPartyId: string;
  /** As the party registry names it; null when publication has no registration for it. */
  providerName: string | null;
  providerPartyType: string;
  requests: Array<{ requestId: string; agreedDeliveryDate: string; status: 'open' | 'overdue'; overdueSince: string | null }>;
}

/** A provider that sent submissions received in the period. */
export interface PeriodSubmissionsData {
  providerPartyId: string;
  providerName: string | null;
  providerPartyType: string;
  submissions: number;
  rows: number;
}

export interface ReleaseCutData {
  /** 1, 2, 3 … in the order cut. */
  number: number;
  /** The quarter, `2026-Q4`. */
  label: string;
  period: { from: string; to: string };
  /** The release before it: the starting point its changes are counted from; null for the first. */
  previousRelease: number | null;
  cutAt: string;
  /** Where each read model the release was copied from stood in publication's store. */
  catalogue: Record<string, CataloguePosition>;
  editions: { dcc: DccEditionCounts; public: ReleaseEditionCounts };
  nonSuppliers: NonSupplierData[];
  submissions: PeriodSubmissionsData[];
}

export interface ReleaseDueData {
  /** The quarter, `2026-Q3`. */
  label: string;
  period: { from: string; to: string };
  /** The 10th working day (England and Wales) after the quarter's last day. */
  dueBy: string;
  workingDaysAllowed: number;
  detectedAt: string;
}
