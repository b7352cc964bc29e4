import {
  AccountablePartyAssignedData,
  CaseClaimedData,
  CaseClosedNotIncludedData,
  CaseMarkedDuplicateData,
  CaseOpenedData,
  CaseRejectedData,
  CaseReleasedData,
  CaseVerifiedData,
  DuplicateHintsAttachedData,
  FixAcceptedData,
  FixAttachedData,
  FixConfirmedData,
  FixDeclinedData,
  FixReferenceResolvedData,
  IncludedDespiteDisputeData,
  InclusionAgreedData,
  InclusionDisputedData,
  InformationProvidedData,
  InformationRequestedData,
  ItemPublishableData,
  ItemVerifiedData,
  ItemWithdrawnData,
  PartyResponseOverdueData,
  RevisionReceivedData,
  SourcesMergedData,
} from '@smi/contracts';
import { Actor } from './case-commands';

/*
 * What the rules record on a case stream. The payloads are the published contracts (@smi/contracts,
 * verification-events.ts), so the decider cannot emit a shape publication does not know; only the actor's
 * roles are held read-only here.
 */

type Recorded<Type extends string, Data extends { actor: unknown }> = Omit<Data, 'actor'> & { type: Type; actor: Actor };

export type CaseOpened = Recorded<'CaseOpened', CaseOpenedData>;
export type AccountablePartyAssigned = Recorded<'AccountablePartyAssigned', AccountablePartyAssignedData>;
export type DuplicateHintsAttached = Recorded<'DuplicateHintsAttached', DuplicateHintsAttachedData>;
export type RevisionReceived = Recorded<'RevisionReceived', RevisionReceivedData>;
export type CaseClaimed = Recorded<'CaseClaimed', CaseClaimedData>;
export type CaseReleased = Recorded<'CaseReleased', CaseReleasedData>;
export type InformationRequested = Recorded<'InformationRequested', InformationRequestedData>;
export type InformationProvided = Recorded<'InformationProvided', InformationProvidedData>;
export type CaseVerified = Recorded<'CaseVerified', CaseVerifiedData>;
export type InclusionAgreed = Recorded<'InclusionAgreed', InclusionAgreedData>;
export type InclusionDisputed = Recorded<'InclusionDisputed', InclusionDisputedData>;
export type CaseClosedNotIncluded = Recorded<'CaseClosedNotIncluded', CaseClosedNotIncludedData>;
export type IncludedDespiteDispute = Recorded<'IncludedDespiteDispute', IncludedDespiteDisputeData>;
export type CaseRejected = Recorded<'CaseRejected', CaseRejectedData>;
export type CaseMarkedDuplicate = Recorded<'CaseMarkedDuplicate', CaseMarkedDuplicateData>;
export type SourcesMerged = Recorded<'SourcesMerged', SourcesMergedData>;
export type FixConfirmed = Recorded<'FixConfirmed', FixConfirmedData>;
export type FixDeclined = Recorded<'FixDeclined', FixDeclinedData>;
export type FixAttached = Recorded<'FixAttached', FixAttachedData>;
export type FixAccepted = Recorded<'FixAccepted', FixAcceptedData>;
export type FixReferenceResolved = Recorded<'FixReferenceResolved', FixReferenceResolvedData>;
export type PartyResponseOverdue = Recorded<'PartyResponseOverdue', PartyResponseOverdueData>;
export type ItemVerified = Recorded<'ItemVerified', ItemVerifiedData>;
export type ItemPublishable = Recorded<'ItemPublishable', ItemPublishableData>;
export type ItemWithdrawn = Recorded<'ItemWithdrawn', ItemWithdrawnData>;

export type CaseEvent =
  | CaseOpened
  | AccountablePartyAssigned
  | DuplicateHintsAttached
  | RevisionReceived
  | CaseClaimed
  | CaseReleased
  | InformationRequested
  | InformationProvided
  | CaseVerified
  | InclusionAgreed
  | InclusionDisputed
  | CaseClosedNotIncluded
  | IncludedDespiteDispute
  | CaseRejected
  | CaseMarkedDuplicate
  | SourcesMerged
  | FixConfirmed
  | FixDeclined
  | FixAttached
  | FixAccepted
  | FixReferenceResolved
  | PartyResponseOverdue
  | ItemVerified
  | ItemPublishable
  | ItemWithdrawn;

/** Every event type, in the order the workflow first records them. */
export const CASE_EVENT_TYPES = [
  'CaseOpened',
  'AccountablePartyAssigned',
  'DuplicateHintsAttached',
  'RevisionReceived',
  'CaseClaimed',
  'CaseReleased',
  'InformationRequested',
  'InformationProvided',
  'CaseVerified',
  'InclusionAgreed',
  'InclusionDisputed',
  'CaseClosedNotIncluded',
  'IncludedDespiteDispute',
  'CaseRejected',
  'CaseMarkedDuplicate',
  'SourcesMerged',
  'FixConfirmed',
  'FixDeclined',
  'FixAttached',
  'FixAccepted',
  'FixReferenceResolved',
  'PartyResponseOverdue',
  'ItemVerified',
  'ItemPublishable',
  'ItemWithdrawn',
] as const satisfies readonly CaseEvent['type'][];
