import {
  AccountableParty,
  CaseFixData,
  FixProposedData,
  ItemReportedData,
  ItemRevisedData,
  ItemSourceRef,
  ItemSubmittedData,
  PossibleDuplicateFlaggedData,
  VerificationChecks,
} from '@smi/contracts';

/*
 * What may be asked of a case. The rules need no lookup of their own: the caller passes what it looked up
 * (the accountable party from the party registry, the canonical make and model from the DCC catalogue,
 * whether a fix's item was ever submitted, the overdue day from the working-day calendar).
 */

/** Who asks: from the bearer token (HTTP), the intake event's sender (consumer) or the service itself (schedules). */
export interface Actor {
  userId: string;
  partyId: string;
  partyType: string;
  roles: readonly string[];
}

interface CommandBase {
  caseId: string;
  actor: Actor;
  /** The HTTP request id or the consumed event's correlation id, recorded on every event. */
  correlationId: string;
  /** ISO 8601 date-time the command was received. */
  at: string;
}

// From intake.events (the consumer): the actor is the intake event's sender.

export interface OpenItemCase extends CommandBase {
  type: 'OpenItemCase';
  item: ItemSubmittedData;
  accountable: AccountableParty | null;
}

export interface OpenReportCase extends CommandBase {
  type: 'OpenReportCase';
  report: ItemReportedData;
  accountable: AccountableParty | null;
}

export interface OpenFixCase extends CommandBase {
  type: 'OpenFixCase';
  fix: FixProposedData;
  accountable: AccountableParty | null;
  /** For a fix naming a provider's item: whether that item's case exists (ignored for other targets). */
  targetItemFound: boolean;
}

export interface ReviseItem extends CommandBase {
  type: 'ReviseItem';
  revision: ItemRevisedData;
}

export interface AttachDuplicateHints extends CommandBase {
  type: 'AttachDuplicateHints';
  flag: PossibleDuplicateFlaggedData;
}

/** From the party registry: DCC registered the make's manufacturer (or the Comms Hub's CSP). */
export interface AssignAccountableParty extends CommandBase {
  type: 'AssignAccountableParty';
  accountable: AccountableParty;
}

// The DCC workflow (party type `dcc`, role `verifier`).

export interface ClaimCase extends CommandBase {
  type: 'ClaimCase';
}

export interface ReleaseCase extends CommandBase {
  type: 'ReleaseCase';
  reason?: string | null;
}

export interface RequestInformation extends CommandBase {
  type: 'RequestInformation';
  question: string;
}

/**
 * The verifier's catalogue match, resolved by the caller from the DCC catalogue (suggested from aliases, or
 * mapped by the verifier): the canonical make and model with their ids, or which of them is missing.
 */
export type CatalogueMatch =
  | { makeId: string; make: string; manufacturerId?: string | null; modelId: string; model: string; smiModelId?: string | null }
  | { missing: 'make' | 'model' };

export interface VerifyCase extends CommandBase {
  type: 'VerifyCase';
  checks: VerificationChecks;
  note?: string | null;
  catalogue: CatalogueMatch;
}

export interface RejectCase extends CommandBase {
  type: 'RejectCase';
  reason: string;
}

export interface MarkDuplicate extends CommandBase {
  type: 'MarkDuplicate';
  /** The surviving case, which keeps both sources. */
  duplicateOf: string;
  reason: string;
}

/** To the surviving case, from a `CaseMarkedDuplicate` on another. */
export interface MergeSources extends CommandBase {
  type: 'MergeSources';
  fromCaseId: string;
  sources: ItemSourceRef[];
}

export interface CloseNotIncluded extends CommandBase {
  type: 'CloseNotIncluded';
  reason: string;
}

export interface IncludeDespiteDispute extends CommandBase {
  type: 'IncludeDespiteDispute';
  reason: string;
}

export interface ResolveFixReference extends CommandBase {
  type: 'ResolveFixReference';
  /** `item-submitted`: the consumer saw the named item arrive; `verifier`: DCC settled it (with a note). */
  resolution: 'item-submitted' | 'verifier';
  note?: string | null;
}

export interface WithdrawItem extends CommandBase {
  type: 'WithdrawItem';
  reason: string;
}

// The provider, the accountable party.

export interface ProvideInformation extends CommandBase {
  type: 'ProvideInformation';
  answer: string;
}

export interface AgreeInclusion extends CommandBase {
  type: 'AgreeInclusion';
  note?: string | null;
}

export interface DisputeInclusion extends CommandBase {
  type: 'DisputeInclusion';
  reason: string;
}

/** R5: `POST /fixes/{fixId}/confirmation` (a fix proposal's case) or the fix in another provider's row. */
export interface ConfirmFix extends CommandBase {
  type: 'ConfirmFix';
  confirmed: boolean;
  fixingFirmwareVersion?: string | null;
  note?: string | null;
}

// Between cases and schedules.

/** To the case of the item or report a fix fixes, from a `FixAccepted` on the fix proposal's case. */
export interface AttachFix extends CommandBase {
  type: 'AttachFix';
  fix: CaseFixData;
}

/**
 * From the chasing schedule. `waitingSince` is the wait the caller read (a stale read changes nothing);
 * `overdueFrom` the first overdue day it computed from it (N working days, England and Wales).
 */
export interface MarkResponseOverdue extends CommandBase {
  type: 'MarkResponseOverdue';
  /** yyyy-mm-dd in London. */
  today: string;
  waitingSince: string;
  overdueFrom: string;
}

export type CaseCommand =
  | OpenItemCase
  | OpenReportCase
  | OpenFixCase
  | ReviseItem
  | AttachDuplicateHints
  | AssignAccountableParty
  | ClaimCase
  | ReleaseCase
  | RequestInformation
  | ProvideInformation
  | VerifyCase
  | AgreeInclusion
  | DisputeInclusion
  | CloseNotIncluded
  | IncludeDespiteDispute
  | RejectCase
  | MarkDuplicate
  | MergeSources
  | ConfirmFix
  | AttachFix
  | ResolveFixReference
  | WithdrawItem
  | MarkResponseOverdue;
