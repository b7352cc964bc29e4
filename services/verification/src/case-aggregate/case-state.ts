import {
  AccountableParty,
  CanonicalDevice,
  CaseFixData,
  CaseKind,
  CaseStateName,
  CaseSubject,
  FixReferenceStatus,
  IntakeItemRef,
  ItemSourceRef,
  PublishedItemData,
} from '@smi/contracts';

/*
 * One verification case, stream `case-<caseId>`: what the rules decide against. Absent optional values are
 * `null`, never `undefined`, so events survive a JSON round trip unchanged.
 */

export type { CaseKind, CaseStateName } from '@smi/contracts';

/** The party the case waits on, what for, and since when (the start of the wait, for chasing). */
export interface Wait {
  partyId: string;
  /** Only a manufacturer or CSP is chased (issue point 7); a supplier or network party asked for information is not. */
  chased: boolean;
  waitingFor: 'information' | 'agreement' | 'confirmation';
  since: string;
  overdue: boolean;
}

/**
 * R3: what DCC and the accountable party settled about including the item. An own declaration needs none of
 * this (`isOwnDeclaration`), so it stays `needs-agreement` for those too.
 */
export type Inclusion =
  | { status: 'needs-agreement' }
  | { status: 'agreed' }
  | { status: 'disputed'; partyId: string; reason: string }
  | { status: 'included-despite-dispute'; partyId: string; reason: string };

export interface Case {
  kind: 'case';
  caseId: string;
  caseKind: CaseKind;
  state: CaseStateName;
  /** The content under review: the latest submission, report or proposal. */
  subject: CaseSubject;
  /** The content DCC last verified, with its canonical make and model; stays until a revision is verified. */
  verified: { subject: CaseSubject; canonical: CanonicalDevice; at: string; by: string } | null;
  /** The state a revision reopened the case from: where rejecting the revision returns it. */
  reopenedFrom: CaseStateName | null;
  /** The verifier (DCC User id) who claimed the case. */
  assignee: string | null;
  accountable: AccountableParty | null;
  inclusion: Inclusion;
  fixReference: FixReferenceStatus;
  /** A fix proposal's own fix, or one attached from a proposal; a provider's row carries its own in `subject`. */
  proposalFix: CaseFixData | null;
  /** The accountable party's confirmation of the fix in another provider's row, for that Fix Information. */
  rowFixConfirmation: { fixInformation: string; fixingFirmwareVersion: string | null; confirmation: CaseFixData['confirmation'] } | null;
  hints: IntakeItemRef[];
  sources: ItemSourceRef[];
  wait: Wait | null;
  /** The last question asked of the provider, until answered. */
  question: string | null;
  /** Publication version of the item: grows with every ItemVerified, ItemPublishable, ItemWithdrawn. */
  version: number;
  /** The item as last published (ItemPublishable), until withdrawn: a change to it publishes a new version. */
  published: PublishedItemData | null;
  /** The accountable party declined the fix it was asked to confirm; a new fix or revision asks again. */
  fixDeclined: boolean;
}

export interface NoCase {
  kind: 'no-case';
}

export type CaseState = NoCase | Case;

/** The party that provided what the case is about: it answers questions and revises. */
export function providerOf(subject: CaseSubject): string {
  switch (subject.kind) {
    case 'item':
      return subject.providerPartyId;
    case 'report':
      return subject.reporterPartyId;
    case 'fix':
      return subject.proposerPartyId;
  }
}

/** The source the case contributes to its item. */
export function sourceOf(caseId: string, subject: CaseSubject): ItemSourceRef {
  switch (subject.kind) {
    case 'item':
      return { kind: 'item', caseId, providerPartyId: subject.providerPartyId, identifier: subject.identifier, source: subject.source };
    case 'report':
      return { kind: 'report', caseId, reportId: subject.reportId, reporterPartyId: subject.reporterPartyId, source: subject.source };
    case 'fix':
      return { kind: 'fix', caseId, fixId: subject.fixId, proposerPartyId: subject.proposerPartyId, source: subject.source };
  }
}

/**
 * R3: a manufacturer's or CSP's own declaration needs no separate agreement; a report, another provider's
 * item about the make, or a fix proposal by anyone else does. Decided against the accountable party known
 * now, so registering the provider later as the make's party settles it.
 */
export function isOwnDeclaration(subject: CaseSubject, accountable: AccountableParty | null): boolean {
  if (accountable === null) return false;
  return (subject.kind === 'item' || subject.kind === 'fix') && providerOf(subject) === accountable.partyId;
}

/**
 * Whether the case publishes an item of its own: items and reports do; a fix proposal only when it names a
 * device, since a fix for an item or a report is attached to that item's case instead.
 */
export function publishesItem(state: Case): boolean {
  return state.subject.kind !== 'fix' || state.subject.target.kind === 'device';
}

/** The fix the verified content carries, with its confirmation (R5), or `null` when it has none. */
export function fixOf(state: Case, subject: CaseSubject = state.verified?.subject ?? state.subject): CaseFixData | null {
  if (subject.kind === 'item' && subject.fixAvailable && subject.fixInformation !== null) {
    const own = isOwnDeclaration(subject, state.accountable);
    const confirmed = state.rowFixConfirmation !== null && state.rowFixConfirmation.fixInformation === subject.fixInformation ? state.rowFixConfirmation : null;
    return {
      fixId: null,
      origin: 'submission',
      proposerPartyId: subject.providerPartyId,
      fixingFirmwareVersion: confirmed?.fixingFirmwareVersion ?? null,
      fixInformation: subject.fixInformation,
      confirmation: own
        ? { via: 'own-submission', partyId: subject.providerPartyId, userId: null, note: null, confirmedAt: subject.submittedAt }
        : (confirmed?.confirmation ?? null),
    };
  }
  const fix = state.proposalFix;
  // A fix proposed by the accountable party itself is confirmed by its proposal, as its own row would be.
  if (fix !== null && fix.confirmation === null && subject.kind === 'fix' && isOwnDeclaration(subject, state.accountable)) {
    return { ...fix, confirmation: { via: 'own-proposal', partyId: subject.proposerPartyId, userId: null, note: null, confirmedAt: subject.proposedAt } };
  }
  return fix;
}

/** Whether the case's item is included (R3): its own declaration, agreed, or included by DCC despite a dispute. */
export function isIncluded(state: Case): boolean {
  // A fix proposal is not agreed but confirmed (R5): its confirmation, checked with the fix, includes it.
  if (state.subject.kind === 'fix') return true;
  const { status } = state.inclusion;
  return status === 'agreed' || status === 'included-despite-dispute' || isOwnDeclaration(state.subject, state.accountable);
}

/** Publishable (issue point 8): verified by DCC, included, a fix available and confirmed by its accountable party. */
export function isPublishable(state: Case): boolean {
  if (state.state !== 'verified' || state.verified === null || !publishesItem(state) || !isIncluded(state)) return false;
  const fix = fixOf(state);
  return fix !== null && fix.confirmation !== null;
}

/** The verified item in canonical form, as publication receives it. */
export function publishedItem(state: Case): PublishedItemData {
  if (state.verified === null) throw new Error(`case ${state.caseId} has no verified content`);
  const { subject, canonical, at, by } = state.verified;
  const fix = fixOf(state);
  const dispute = state.inclusion.status === 'included-despite-dispute' ? { partyId: state.inclusion.partyId, reason: state.inclusion.reason } : null;
  const inclusion = isOwnDeclaration(subject, state.accountable)
    ? 'own-declaration'
    : state.inclusion.status === 'included-despite-dispute'
      ? 'included-despite-dispute'
      : 'agreed';
  const common = {
    caseId: state.caseId,
    caseKind: state.caseKind,
    canonical,
    source: subject.source,
    accountable: state.accountable,
    inclusion,
    dispute,
    fix,
    sources: state.sources,
    verifiedAt: at,
    verifiedBy: by,
  } as const;
  switch (subject.kind) {
    case 'item':
      return {
        ...common,
        identifier: subject.identifier,
        submittedMake: subject.make,
        submittedModel: subject.model,
        firmwareVersion: subject.firmwareVersion,
        deviceType: subject.deviceType,
        statusOfInformation: subject.statusOfInformation,
        dateLastUpdated: subject.dateLastUpdated,
        fixAvailable: fix !== null,
        fixInformation: fix?.fixInformation ?? null,
      };
    case 'report':
      return {
        ...common,
        identifier: null,
        submittedMake: subject.make,
        submittedModel: subject.model,
        firmwareVersion: subject.firmwareVersion,
        deviceType: subject.deviceType,
        statusOfInformation: subject.statusOfInformation,
        dateLastUpdated: subject.dateObserved,
        fixAvailable: fix !== null,
        fixInformation: fix?.fixInformation ?? null,
      };
    case 'fix':
      return {
        ...common,
        identifier: null,
        submittedMake: subject.make ?? canonical.make,
        submittedModel: subject.model ?? canonical.model,
        firmwareVersion: subject.firmwareVersion ?? '',
        deviceType: subject.deviceType,
        statusOfInformation: 'Fix',
        dateLastUpdated: subject.proposedAt.slice(0, 10),
        fixAvailable: true,
        fixInformation: subject.fixInformation,
      };
  }
}
