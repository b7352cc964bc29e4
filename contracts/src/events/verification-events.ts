/*
 * Events the verification service records on its case streams `case-<caseId>` and publishes on
 * `verification.events` (data only; CloudEvents headers carry the type and ids). SECMP0137 §4.3 (DCC
 * verifies the collated data), R3 (the accountable party agrees that an item is included) and R5 (the
 * accountable party confirms a fix); docs/domain.md "Verification".
 *
 * Every event names its case, the actor, the request's correlation id and when it happened; actions with a
 * reason carry it as given (free text is stored, never interpreted). Absent optional values are `null`.
 * `ItemVerified`, `ItemPublishable` and `ItemWithdrawn` are what publication consumes: each carries the
 * item whole, in canonical form, with a version that grows by one with every one of them.
 */
import type { DeviceType, ItemSource, StatusOfInformation } from '../glossary';
import type { FixProposedData, FixTargetData, IntakeItemContent, IntakeItemRef, ItemFieldChange, ItemReportedData } from './intake-events';

export const CASE_KINDS = ['item', 'report', 'fix'] as const;
/** A provider's item (ItemSubmitted), a SEC Party's report (ItemReported), a fix proposal (FixProposed). */
export type CaseKind = (typeof CASE_KINDS)[number];

export const CASE_STATES = [
  'queued',
  'claimed',
  'awaiting-information',
  'awaiting-agreement',
  'disputed',
  'verified',
  'rejected',
  'duplicate',
  'withdrawn',
  'closed-not-included',
] as const;
export type CaseStateName = (typeof CASE_STATES)[number];

/** Who acted: from the bearer token (HTTP), the intake event's sender (consumer) or the service itself (schedules). */
export interface CaseActor {
  userId: string;
  partyId: string;
  partyType: string;
  roles: string[];
}

/** The manufacturer registered for the make, or for Comms Hubs the CSP; `null` while no party is registered. */
export interface AccountableParty {
  partyId: string;
  partyType: 'manufacturer' | 'csp';
}

/** What the case is about, as intake recorded it. */
export type CaseSubject =
  | ({ kind: 'item'; providerPartyId: string; submissionId: string; contentHash: string; submittedAt: string } & IntakeItemContent)
  // A report and a fix proposal as intake published them (the fix without intake's own status field).
  | ({ kind: 'report' } & ItemReportedData)
  | ({ kind: 'fix' } & Omit<FixProposedData, 'status'>);

/** A fix that names a submitted item the service has never seen: verification waits until it is resolved. */
export type FixReferenceStatus = 'not-applicable' | 'resolved' | 'unresolved';

/** One source of an item: a provider's item, a report or a fix proposal (duplicates merge theirs into the survivor). */
export type ItemSourceRef =
  | { kind: 'item'; caseId: string; providerPartyId: string; identifier: string; source: ItemSource }
  | { kind: 'report'; caseId: string; reportId: string; reporterPartyId: string; source: ItemSource }
  | { kind: 'fix'; caseId: string; fixId: string; proposerPartyId: string; source: ItemSource };

/** The make and model as the DCC catalogue names them, with their SMI ids where known. */
export interface CanonicalDevice {
  makeId: string;
  make: string;
  /** SMI manufacturer id, 4 hex digits; `null` when not known. */
  manufacturerId: string | null;
  modelId: string;
  model: string;
  /** SMI model id, 8 hex digits; `null` when not known. */
  smiModelId: string | null;
}

/** What a verifier checked (SECMP0137 §4.3): the data, any reference to a fix, a consistent presentation. */
export interface VerificationChecks {
  data: boolean;
  fixReference: boolean;
  presentation: boolean;
}

/** How a fix was confirmed by the accountable party (R5). */
export interface FixConfirmationData {
  via: 'own-submission' | 'own-proposal' | 'confirmation';
  partyId: string;
  userId: string | null;
  note: string | null;
  confirmedAt: string;
}

export interface CaseFixData {
  /** The fix proposal's id; `null` for the fix in a provider's own row. */
  fixId: string | null;
  origin: 'submission' | 'proposal';
  proposerPartyId: string;
  fixingFirmwareVersion: string | null;
  fixInformation: string;
  confirmation: FixConfirmationData | null;
}

/** The item as publication shows it: the submission format's fields, canonical make and model first. */
export interface PublishedItemData {
  caseId: string;
  caseKind: CaseKind;
  /** The provider's Identifier; `null` for a report or a fix proposal, which have none. */
  identifier: string | null;
  canonical: CanonicalDevice;
  /** Make and model as the source spelled them. */
  submittedMake: string;
  submittedModel: string;
  firmwareVersion: string;
  deviceType: DeviceType | null;
  source: ItemSource;
  statusOfInformation: StatusOfInformation;
  /** yyyy-mm-dd */
  dateLastUpdated: string;
  fixAvailable: boolean;
  fixInformation: string | null;
  accountable: AccountableParty | null;
  inclusion: 'own-declaration' | 'agreed' | 'included-despite-dispute';
  /** The dispute kept on the record when DCC included the item despite it. */
  dispute: { partyId: string; reason: string } | null;
  fix: CaseFixData | null;
  sources: ItemSourceRef[];
  verifiedAt: string;
  verifiedBy: string;
}

interface CaseEventData {
  caseId: string;
  actor: CaseActor;
  correlationId: string;
  at: string;
}

export interface CaseOpenedData extends CaseEventData {
  caseKind: CaseKind;
  subject: CaseSubject;
  accountable: AccountableParty | null;
  fixReference: FixReferenceStatus;
}

export interface AccountablePartyAssignedData extends CaseEventData {
  accountable: AccountableParty;
  previous: AccountableParty | null;
}

export interface DuplicateHintsAttachedData extends CaseEventData {
  submissionId: string;
  matches: IntakeItemRef[];
  matchCount: number;
}

/** ItemRevised: the case reopens for the changed fields; the last verified content stays verified. */
export interface RevisionReceivedData extends CaseEventData {
  submissionId: string;
  contentHash: string;
  previousContentHash: string;
  changes: ItemFieldChange[];
  content: IntakeItemContent;
  reopenedFrom: CaseStateName;
}

export interface CaseClaimedData extends CaseEventData {
  assignee: string;
}

export interface CaseReleasedData extends CaseEventData {
  assignee: string;
  reason: string | null;
}

export interface InformationRequestedData extends CaseEventData {
  question: string;
  waitingOn: string;
}

export interface InformationProvidedData extends CaseEventData {
  answer: string;
}

export interface CaseVerifiedData extends CaseEventData {
  checks: VerificationChecks;
  note: string | null;
  canonical: CanonicalDevice;
  /** Where the case goes: to the accountable party for agreement (R3), or verified. */
  outcome: 'awaiting-agreement' | 'verified';
}

export interface InclusionAgreedData extends CaseEventData {
  note: string | null;
}

export interface InclusionDisputedData extends CaseEventData {
  reason: string;
}

export interface CaseClosedNotIncludedData extends CaseEventData {
  reason: string;
}

export interface IncludedDespiteDisputeData extends CaseEventData {
  reason: string;
  dispute: { partyId: string; reason: string };
}

export interface CaseRejectedData extends CaseEventData {
  reason: string;
  /** A rejected revision: the case returns to this state with its last verified content; nothing is withdrawn. */
  restoredState: CaseStateName | null;
}

export interface CaseMarkedDuplicateData extends CaseEventData {
  duplicateOf: string;
  reason: string;
  /** This case's sources, for the surviving case to keep. */
  sources: ItemSourceRef[];
}

export interface SourcesMergedData extends CaseEventData {
  fromCaseId: string;
  sources: ItemSourceRef[];
}

export interface FixConfirmedData extends CaseEventData {
  fixId: string | null;
  fixingFirmwareVersion: string | null;
  confirmation: FixConfirmationData;
}

export interface FixDeclinedData extends CaseEventData {
  fixId: string | null;
  note: string;
}

/** A verified, confirmed fix proposal reached the case of the item or report it fixes. */
export interface FixAttachedData extends CaseEventData {
  fix: CaseFixData;
}

/** A fix proposal for an item or report, verified by DCC and confirmed: for the target's case to attach. */
export interface FixAcceptedData extends CaseEventData {
  fixId: string;
  target: FixTargetData;
  fix: CaseFixData;
}

export interface FixReferenceResolvedData extends CaseEventData {
  resolution: 'item-submitted' | 'verifier';
  note: string | null;
}

/** Once per wait: a manufacturer or CSP has not answered within the working days allowed. */
export interface PartyResponseOverdueData extends CaseEventData {
  waitingOn: string;
  waitingFor: 'information' | 'agreement' | 'confirmation';
  /** When the wait began (date-time). */
  waitingSince: string;
  /** yyyy-mm-dd: the first day the wait is overdue, counted in working days (England and Wales) by the caller. */
  overdueFrom: string;
}

/** DCC verified the item's content (it may still wait for agreement or a confirmed fix). */
export interface ItemVerifiedData extends CaseEventData {
  version: number;
  item: PublishedItemData;
}

/** Verified, included and with a confirmed fix: publication may show it. */
export interface ItemPublishableData extends CaseEventData {
  version: number;
  item: PublishedItemData;
}

/** DCC withdrew a published item: publication must stop showing it. */
export interface ItemWithdrawnData extends CaseEventData {
  version: number;
  reason: string;
  item: PublishedItemData;
}
