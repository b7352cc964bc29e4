/** Events the intake service publishes on `intake.events` (data only; CloudEvents headers carry the rest). */
import type { DeviceType, ItemSource, StatusOfInformation } from '../glossary';

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

// Submissions of defects, issues and fixes (defects database, SECMP0137). The glossary types keep the
// event payloads and the submission validation on one list of device types, sources and statuses.

/** A provider of submission files: the party types allowed to upload them. */
export type SubmittingPartyType = 'manufacturer' | 'csp';

/** What a submitted item says, in canonical form (glossary codes, ISO date, boolean). */
export interface IntakeItemContent {
  /** Digits only, without leading zeros; with the provider it is the item's key. */
  identifier: string;
  make: string;
  model: string;
  firmwareVersion: string;
  deviceType: DeviceType;
  source: ItemSource;
  statusOfInformation: StatusOfInformation;
  /** yyyy-mm-dd */
  dateLastUpdated: string;
  fixAvailable: boolean;
  /** Exactly as submitted; null when empty. */
  fixInformation: string | null;
}

/** Stream `item-<providerPartyId>-<identifier>`: a provider's first submission of an item. */
export interface ItemSubmittedData extends IntakeItemContent {
  submissionId: string;
  providerPartyId: string;
  contentHash: string;
  submittedAt: string;
}

export type RevisableItemField = Exclude<keyof IntakeItemContent, 'identifier'>;

export interface ItemFieldChange {
  field: RevisableItemField;
  from: string | boolean | null;
  to: string | boolean | null;
}

/** Same stream: a later submission changed the item; the whole new content plus what changed. */
export interface ItemRevisedData extends IntakeItemContent {
  submissionId: string;
  providerPartyId: string;
  contentHash: string;
  previousContentHash: string;
  changes: ItemFieldChange[];
  revisedAt: string;
}

export interface IntakeItemRef {
  providerPartyId: string;
  identifier: string;
}

/** On the newer item's stream: other providers hold items for the same make, model, firmware and device type. */
export interface PossibleDuplicateFlaggedData {
  submissionId: string;
  providerPartyId: string;
  identifier: string;
  make: string;
  model: string;
  firmwareVersion: string;
  deviceType: DeviceType;
  /** At most 20, ordered by provider and Identifier. */
  matches: IntakeItemRef[];
  matchCount: number;
  flaggedAt: string;
}

export interface SubmissionCounts {
  accepted: number;
  unchanged: number;
  revised: number;
  rejected: number;
}

/** Stream `submission-<submissionId>`: an upload read to its end, after its item events. */
export interface SubmissionRecordedData {
  submissionId: string;
  providerPartyId: string;
  providerPartyType: SubmittingPartyType;
  fileName: string | null;
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'utf-8-bom' | 'windows-1252' | null;
  byteCount: number;
  rows: number;
  counts: SubmissionCounts;
  possibleDuplicates: number;
  rejectionCount: number;
  receivedAt: string;
}

// Reports from SEC Parties, fix proposals and data requests (defects database, SECMP0137 R4, R5 and the
// data-request process; see docs/domain.md).

/** Stream `report-<reportId>`: a supplier, network party or the DCC reported one issue or defect. */
export interface ItemReportedData {
  /** DCC-assigned, `R-000123`. */
  reportId: string;
  reporterPartyId: string;
  reporterPartyType: 'supplier' | 'network' | 'dcc';
  source: Extract<ItemSource, 'SEC Party' | 'DCC'>;
  statusOfInformation: Exclude<StatusOfInformation, 'Fix'>;
  make: string;
  model: string;
  firmwareVersion: string;
  deviceType: DeviceType;
  description: string;
  /** yyyy-mm-dd */
  dateObserved: string;
  reference: string | null;
  reportedAt: string;
}

/** What a fix proposal fixes: a provider's item, a report, or a device described in the proposal itself. */
export type FixTargetData =
  | { kind: 'item'; providerPartyId: string; identifier: string }
  | { kind: 'report'; reportId: string }
  | { kind: 'device' };

/** Stream `fix-<fixId>`: any party proposed a fix; the manufacturer must confirm it. */
export interface FixProposedData {
  /** DCC-assigned, `F-000123`. */
  fixId: string;
  proposerPartyId: string;
  proposerPartyType: 'supplier' | 'network' | 'manufacturer' | 'csp' | 'dcc';
  source: ItemSource;
  target: FixTargetData;
  /** The affected device; null for an item target. */
  make: string | null;
  model: string | null;
  firmwareVersion: string | null;
  deviceType: DeviceType | null;
  fixingFirmwareVersion: string;
  fixInformation: string;
  status: 'awaiting-manufacturer-confirmation';
  proposedAt: string;
}

/** Stream `data-request-<requestId>`: DCC asked a manufacturer or CSP for data by an agreed date. */
export interface DataRequestIssuedData {
  /** DCC-assigned, `DR-000123`. */
  requestId: string;
  providerPartyId: string;
  providerPartyType: SubmittingPartyType;
  /** yyyy-mm-dd, a day in England. */
  agreedDeliveryDate: string;
  note: string | null;
  issuedAt: string;
}

/** Same stream: a submission from the provider answered the request (late when received once overdue). */
export interface DataRequestFulfilledData {
  requestId: string;
  providerPartyId: string;
  submissionId: string;
  receivedAt: string;
  late: boolean;
  fulfilledAt: string;
}

/** Same stream, at most once: nothing received 15 working days after the agreed date; SECAS chases. */
export interface DataRequestOverdueData {
  requestId: string;
  providerPartyId: string;
  agreedDeliveryDate: string;
  /** The 15th working day after the agreed date (England and Wales). */
  lastDeliveryDay: string;
  /** The 16th working day: overdue from 00:00 London time on this day. */
  overdueSince: string;
  workingDaysAllowed: number;
  detectedAt: string;
}
