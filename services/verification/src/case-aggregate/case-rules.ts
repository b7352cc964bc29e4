import { CASE_STATES, CaseSubject, IntakeItemContent } from '@smi/contracts';
import { DomainError } from '@smi/decider';
import {
  Actor,
  AgreeInclusion,
  AssignAccountableParty,
  AttachDuplicateHints,
  AttachFix,
  ClaimCase,
  CloseNotIncluded,
  ConfirmFix,
  DisputeInclusion,
  IncludeDespiteDispute,
  MarkDuplicate,
  MarkResponseOverdue,
  MergeSources,
  OpenFixCase,
  OpenItemCase,
  OpenReportCase,
  ProvideInformation,
  RejectCase,
  ReleaseCase,
  RequestInformation,
  ResolveFixReference,
  ReviseItem,
  VerifyCase,
  WithdrawItem,
} from './case-commands';
import { CASE_ERRORS } from './case-errors';
import { CaseEvent } from './case-events';
import { evolve } from './case-evolve';
import { Case, CaseState, CaseStateName, fixOf, isIncluded, isPublishable, providerOf, publishedItem, publishesItem } from './case-state';

/*
 * The case rules (docs/domain.md "Verification"), in the order the workflow runs: cases opened from
 * intake, then the DCC's actions, the provider's answers, the accountable party's agreement (R3) and
 * confirmation (R5), the links between cases, chasing. Checks run in one order everywhere, so the first
 * failing one answers: the case exists (404), the actor may act (403), the input reads (400), the state
 * allows it (409), the rules allow it (422). A refusal records nothing.
 *
 * What publication sees is decided once, after every command (`withPublication`): a verification records
 * `ItemVerified`; a case that becomes publishable, or whose published item changes, records
 * `ItemPublishable`; each with the next version of the item.
 */

type Base = Pick<CaseEvent, 'caseId' | 'actor' | 'correlationId' | 'at'>;

function baseOf(command: { caseId: string; actor: Actor; correlationId: string; at: string }): Base {
  return { caseId: command.caseId, actor: command.actor, correlationId: command.correlationId, at: command.at };
}

// Cases from intake.events -----------------------------------------------------------------------------

/** ItemSubmitted: a provider's item. */
export function openItemCase(command: OpenItemCase, state: CaseState): CaseEvent[] {
  assertNoCase(state, command.caseId);
  const { item } = command;
  const subject: CaseSubject = {
    kind: 'item',
    providerPartyId: item.providerPartyId,
    submissionId: item.submissionId,
    contentHash: item.contentHash,
    submittedAt: item.submittedAt,
    ...itemContentOf(item),
  };
  return [{ type: 'CaseOpened', ...baseOf(command), caseKind: 'item', subject, accountable: command.accountable, fixReference: 'not-applicable' }];
}

/** ItemReported: a SEC Party's (or the DCC's own) report. */
export function openReportCase(command: OpenReportCase, state: CaseState): CaseEvent[] {
  assertNoCase(state, command.caseId);
  const { report } = command;
  const subject: CaseSubject = {
    kind: 'report',
    reportId: report.reportId,
    reporterPartyId: report.reporterPartyId,
    reporterPartyType: report.reporterPartyType,
    source: report.source,
    statusOfInformation: report.statusOfInformation,
    make: report.make,
    model: report.model,
    firmwareVersion: report.firmwareVersion,
    deviceType: report.deviceType,
    description: report.description,
    dateObserved: report.dateObserved,
    reference: report.reference,
    reportedAt: report.reportedAt,
  };
  return [{ type: 'CaseOpened', ...baseOf(command), caseKind: 'report', subject, accountable: command.accountable, fixReference: 'not-applicable' }];
}

/**
 * FixProposed. Intake accepts a fix for an item it never received (R5): such a reference is flagged
 * (`fixReference: 'unresolved'`) and blocks verification until resolved.
 */
export function openFixCase(command: OpenFixCase, state: CaseState): CaseEvent[] {
  assertNoCase(state, command.caseId);
  const { fix } = command;
  const subject: CaseSubject = {
    kind: 'fix',
    fixId: fix.fixId,
    proposerPartyId: fix.proposerPartyId,
    proposerPartyType: fix.proposerPartyType,
    source: fix.source,
    target: fix.target,
    make: fix.make,
    model: fix.model,
    firmwareVersion: fix.firmwareVersion,
    deviceType: fix.deviceType,
    fixingFirmwareVersion: fix.fixingFirmwareVersion,
    fixInformation: fix.fixInformation,
    proposedAt: fix.proposedAt,
  };
  const fixReference = fix.target.kind !== 'item' ? 'not-applicable' : command.targetItemFound ? 'resolved' : 'unresolved';
  return [{ type: 'CaseOpened', ...baseOf(command), caseKind: 'fix', subject, accountable: command.accountable, fixReference }];
}

/**
 * ItemRevised reopens the item's case for the changed fields, from any state; the last verified content
 * stays the verified (and published) content until the revision is verified or rejected. The same content
 * again (a redelivered event) changes nothing.
 */
export function reviseItem(command: ReviseItem, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  const { revision } = command;
  if (found.subject.kind !== 'item') throw kindConflict(found, 'only an item is revised');
  if (revision.providerPartyId !== found.subject.providerPartyId || revision.identifier !== found.subject.identifier) {
    throw new DomainError(CASE_ERRORS.INVALID_COMMAND, `the revision is of item ${revision.providerPartyId}/${revision.identifier}, not of this case's`, {
      field: 'revision',
    });
  }
  if (revision.contentHash === found.subject.contentHash) return [];
  const { submissionId, contentHash, previousContentHash, changes } = revision;
  return [{ type: 'RevisionReceived', ...baseOf(command), submissionId, contentHash, previousContentHash, changes, content: itemContentOf(revision), reopenedFrom: found.state }];
}

/** The submission format's fields of an item, picked one by one so nothing else of the intake event is kept. */
function itemContentOf(item: IntakeItemContent): IntakeItemContent {
  const { identifier, make, model, firmwareVersion, deviceType, source, statusOfInformation, dateLastUpdated, fixAvailable, fixInformation } = item;
  return { identifier, make, model, firmwareVersion, deviceType, source, statusOfInformation, dateLastUpdated, fixAvailable, fixInformation };
}

/** PossibleDuplicateFlagged: the matches are a hint for the verifier, attached once each. */
export function attachDuplicateHints(command: AttachDuplicateHints, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  const known = new Set(found.hints.map((h) => `${h.providerPartyId}/${h.identifier}`));
  if (command.flag.matches.every((m) => known.has(`${m.providerPartyId}/${m.identifier}`))) return [];
  return [{ type: 'DuplicateHintsAttached', ...baseOf(command), submissionId: command.flag.submissionId, matches: command.flag.matches, matchCount: command.flag.matchCount }];
}

/** DCC registered the party that answers for the make: agreement and confirmation can go ahead. */
export function assignAccountableParty(command: AssignAccountableParty, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  const previous = found.accountable;
  if (previous !== null && previous.partyId === command.accountable.partyId && previous.partyType === command.accountable.partyType) return [];
  return [{ type: 'AccountablePartyAssigned', ...baseOf(command), accountable: command.accountable, previous }];
}

// The DCC workflow --------------------------------------------------------------------------------------

export function claimCase(command: ClaimCase, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertVerifier(command.actor);
  if (found.state === 'claimed') {
    if (found.assignee === command.actor.userId) return [];
    throw claimConflict(found);
  }
  assertState(found, ['queued']);
  return [{ type: 'CaseClaimed', ...baseOf(command), assignee: command.actor.userId }];
}

/** Any verifier may release a claimed case, so a case held by someone away does not stall. */
export function releaseCase(command: ReleaseCase, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertVerifier(command.actor);
  const reason = optionalText(command.reason, 'reason');
  assertState(found, ['claimed']);
  return [{ type: 'CaseReleased', ...baseOf(command), assignee: found.assignee ?? '', reason }];
}

/** The case waits on its provider, who answers or revises the item; either returns it to the queue. */
export function requestInformation(command: RequestInformation, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertVerifier(command.actor);
  const question = requiredText(command.question, 'question');
  assertHeldBy(found, command.actor);
  return [{ type: 'InformationRequested', ...baseOf(command), question, waitingOn: providerOf(found.subject) }];
}

/**
 * SECMP0137 §4.3: the verifier checked the data, any reference to a fix and the presentation, and matched
 * the make and model to the DCC catalogue. An item its accountable party did not declare itself then waits
 * for that party's agreement (R3); anything else is verified.
 */
export function verifyCase(command: VerifyCase, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertVerifier(command.actor);
  const note = optionalText(command.note, 'note');
  assertHeldBy(found, command.actor);
  const { checks, catalogue } = command;
  const hasFixReference = found.subject.kind === 'fix' || fixOf(found, found.subject) !== null;
  const unchecked = [...(checks.data ? [] : ['data']), ...(hasFixReference && !checks.fixReference ? ['fixReference'] : []), ...(checks.presentation ? [] : ['presentation'])];
  if (unchecked.length > 0) {
    throw new DomainError(CASE_ERRORS.INVALID_CHECKS, `a case is verified only once its ${unchecked.join(', ')} ${unchecked.length > 1 ? 'are' : 'is'} checked`, { unchecked });
  }
  // The fix reference first: a fix naming an item never received has no spellings to match until it is settled.
  if (found.fixReference === 'unresolved') {
    throw new DomainError(CASE_ERRORS.FIX_REFERENCE_UNRESOLVED, 'the fix names an item that was never submitted: resolve the reference before verifying', {
      fixReference: found.fixReference,
    });
  }
  if ('missing' in catalogue) {
    const code = catalogue.missing === 'make' ? CASE_ERRORS.CATALOGUE_MAKE_MISSING : CASE_ERRORS.CATALOGUE_MODEL_MISSING;
    throw new DomainError(code, `the ${catalogue.missing} is not in the DCC catalogue: add it, or map this spelling to a catalogue entry, before verifying`, {
      missing: catalogue.missing,
    });
  }
  const canonical = {
    makeId: catalogue.makeId,
    make: catalogue.make,
    manufacturerId: catalogue.manufacturerId ?? null,
    modelId: catalogue.modelId,
    model: catalogue.model,
    smiModelId: catalogue.smiModelId ?? null,
  };
  // R3 is about including items; a fix proposal is settled by its confirmation (R5), not by agreement.
  const outcome = found.subject.kind === 'fix' || isIncluded(found) ? 'verified' : 'awaiting-agreement';
  return [{ type: 'CaseVerified', ...baseOf(command), checks, note, canonical, outcome }];
}

/**
 * A rejection the provider can read. Rejecting a revision of verified content returns the case to where the
 * revision found it, with the content verified before: nothing published is withdrawn.
 */
export function rejectCase(command: RejectCase, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertVerifier(command.actor);
  const reason = requiredText(command.reason, 'reason');
  assertHeldBy(found, command.actor);
  const restoredState = found.verified === null ? null : (found.reopenedFrom ?? 'verified');
  return [{ type: 'CaseRejected', ...baseOf(command), reason, restoredState }];
}

/** A duplicate is never published; the surviving case keeps both sources (through `MergeSources`). */
export function markDuplicate(command: MarkDuplicate, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertVerifier(command.actor);
  const reason = requiredText(command.reason, 'reason');
  const duplicateOf = requiredText(command.duplicateOf, 'duplicateOf');
  if (duplicateOf === found.caseId) throw new DomainError(CASE_ERRORS.INVALID_COMMAND, 'a case cannot be a duplicate of itself', { field: 'duplicateOf' });
  assertHeldBy(found, command.actor);
  if (found.published !== null) {
    throw new DomainError(CASE_ERRORS.CASE_STATE_CONFLICT, 'the item is published: withdraw it before marking it a duplicate', { state: found.state, published: true });
  }
  return [{ type: 'CaseMarkedDuplicate', ...baseOf(command), duplicateOf, reason, sources: found.sources }];
}

/** After a dispute (R3), DCC closes the case as not included... */
export function closeNotIncluded(command: CloseNotIncluded, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertVerifier(command.actor);
  const reason = requiredText(command.reason, 'reason');
  assertState(found, ['disputed']);
  return [{ type: 'CaseClosedNotIncluded', ...baseOf(command), reason }];
}

/** ...or includes the item, keeping the dispute on the record. */
export function includeDespiteDispute(command: IncludeDespiteDispute, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertVerifier(command.actor);
  const reason = requiredText(command.reason, 'reason');
  assertState(found, ['disputed']);
  if (found.inclusion.status !== 'disputed') throw stateConflict(found, ['disputed']);
  return [{ type: 'IncludedDespiteDispute', ...baseOf(command), reason, dispute: { partyId: found.inclusion.partyId, reason: found.inclusion.reason } }];
}

/** A fix proposal naming an item never submitted: the item arrived since, or DCC settled it. */
export function resolveFixReference(command: ResolveFixReference, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  if (command.resolution === 'verifier') assertVerifier(command.actor);
  const note = command.resolution === 'verifier' ? requiredText(command.note, 'note') : optionalText(command.note, 'note');
  if (found.fixReference === 'resolved' && command.resolution === 'item-submitted') return [];
  if (found.fixReference !== 'unresolved') {
    throw new DomainError(CASE_ERRORS.CASE_STATE_CONFLICT, `the case has no unresolved fix reference (${found.fixReference})`, { state: found.state, fixReference: found.fixReference });
  }
  return [{ type: 'FixReferenceResolved', ...baseOf(command), resolution: command.resolution, note }];
}

/** DCC withdraws a published item: publication stops showing it. */
export function withdrawItem(command: WithdrawItem, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertVerifier(command.actor);
  const reason = requiredText(command.reason, 'reason');
  if (found.published === null) {
    throw new DomainError(CASE_ERRORS.CASE_STATE_CONFLICT, `only a published item can be withdrawn; the case is ${found.state} and not published`, {
      state: found.state,
      published: false,
    });
  }
  return [{ type: 'ItemWithdrawn', ...baseOf(command), version: found.version + 1, reason, item: found.published }];
}

// The provider and the accountable party --------------------------------------------------------------

export function provideInformation(command: ProvideInformation, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  const provider = providerOf(found.subject);
  if (command.actor.partyId !== provider) {
    throw new DomainError(CASE_ERRORS.FORBIDDEN_NOT_PROVIDER, `only the provider (${provider}) answers this case's questions`, { partyId: command.actor.partyId });
  }
  const answer = requiredText(command.answer, 'answer');
  assertState(found, ['awaiting-information']);
  return [{ type: 'InformationProvided', ...baseOf(command), answer }];
}

/** R3: the accountable party agrees that the item is included. */
export function agreeInclusion(command: AgreeInclusion, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertAccountable(found, command.actor);
  const note = optionalText(command.note, 'note');
  assertState(found, ['awaiting-agreement']);
  return [{ type: 'InclusionAgreed', ...baseOf(command), note }];
}

/** R3: the accountable party disputes the item, with a reason; the case returns to DCC. */
export function disputeInclusion(command: DisputeInclusion, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertAccountable(found, command.actor);
  const reason = requiredText(command.reason, 'reason');
  assertState(found, ['awaiting-agreement']);
  return [{ type: 'InclusionDisputed', ...baseOf(command), reason }];
}

/** States in which nothing more is decided about a fix: the case is out of the database. */
const CLOSED_STATES: readonly CaseStateName[] = ['rejected', 'duplicate', 'withdrawn', 'closed-not-included'];

/**
 * R5: the accountable party confirms (or declines, with a note) the fix of a fix proposal, a fix attached
 * to the item, or the fix in another provider's row. It may do so before DCC verifies the case. The same
 * confirmation again changes nothing.
 */
export function confirmFix(command: ConfirmFix, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  assertAccountable(found, command.actor);
  const note = command.confirmed ? optionalText(command.note, 'note') : requiredText(command.note, 'note');
  const fixingFirmwareVersion = optionalText(command.fixingFirmwareVersion, 'fixingFirmwareVersion');
  if (fixingFirmwareVersion !== null && fixingFirmwareVersion.length > MAX_FIRMWARE_VERSION) {
    throw new DomainError(CASE_ERRORS.INVALID_COMMAND, `fixingFirmwareVersion is longer than ${MAX_FIRMWARE_VERSION} characters`, { field: 'fixingFirmwareVersion' });
  }
  if (CLOSED_STATES.includes(found.state)) throw stateConflict(found, ALL_STATES.filter((s) => !CLOSED_STATES.includes(s)));
  const fix = fixOf(found, found.subject);
  if (fix === null) throw new DomainError(CASE_ERRORS.FIX_MISSING, 'the case has no fix to confirm', {});
  if (!command.confirmed) {
    // A confirmed fix may be published already: taking it back is DCC's withdrawal, not a late decline.
    if (fix.confirmation !== null) {
      throw new DomainError(CASE_ERRORS.FIX_CONFIRMATION_CONFLICT, `the fix is already confirmed (${fix.confirmation.via})`, { state: found.state, confirmation: fix.confirmation.via });
    }
    if (found.fixDeclined) return [];
    return [{ type: 'FixDeclined', ...baseOf(command), fixId: fix.fixId, note: note ?? '' }];
  }
  if (fix.confirmation !== null) return [];
  return [
    {
      type: 'FixConfirmed',
      ...baseOf(command),
      fixId: fix.fixId,
      fixingFirmwareVersion: fixingFirmwareVersion ?? fix.fixingFirmwareVersion,
      confirmation: { via: 'confirmation', partyId: command.actor.partyId, userId: command.actor.userId, note, confirmedAt: command.at },
    },
  ];
}

// Between cases and schedules -------------------------------------------------------------------------

/** The surviving case of a duplicate keeps the duplicate's sources. */
export function mergeSources(command: MergeSources, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  const known = new Set(found.sources.map((s) => s.caseId));
  const sources = command.sources.filter((s) => !known.has(s.caseId));
  if (sources.length === 0) return [];
  return [{ type: 'SourcesMerged', ...baseOf(command), fromCaseId: command.fromCaseId, sources }];
}

/** A verified and confirmed fix proposal reaches the case of the item or report it fixes. */
export function attachFix(command: AttachFix, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  if (found.subject.kind === 'fix') throw kindConflict(found, 'a fix is attached to an item or a report');
  if (command.fix.confirmation === null) throw new DomainError(CASE_ERRORS.INVALID_COMMAND, 'only a confirmed fix is attached', { field: 'fix.confirmation' });
  if (found.proposalFix !== null && found.proposalFix.fixId === command.fix.fixId) return [];
  return [{ type: 'FixAttached', ...baseOf(command), fix: command.fix }];
}

/**
 * Chasing (issue point 7): a wait on a manufacturer or CSP becomes overdue once, from the day the caller
 * computed. A sweep that finds nothing due, a wait already chased or a wait that has changed since it read
 * (`waitingSince`) records nothing.
 */
export function markResponseOverdue(command: MarkResponseOverdue, state: CaseState): CaseEvent[] {
  const found = existingCase(state, command.caseId);
  for (const field of ['today', 'overdueFrom'] as const) {
    if (!ISO_DAY.test(command[field])) throw new DomainError(CASE_ERRORS.INVALID_COMMAND, `${field} must be a day, yyyy-mm-dd`, { field });
  }
  const { wait } = found;
  if (wait === null || !wait.chased || wait.overdue || wait.since !== command.waitingSince || command.today < command.overdueFrom) return [];
  return [
    { type: 'PartyResponseOverdue', ...baseOf(command), waitingOn: wait.partyId, waitingFor: wait.waitingFor, waitingSince: wait.since, overdueFrom: command.overdueFrom },
  ];
}

// Publication -----------------------------------------------------------------------------------------

/**
 * Appends what publication must hear about the events a command decided (issue point 8): `ItemVerified`
 * when DCC verified an item's content; `ItemPublishable` when the case becomes publishable or its published
 * item changes (a revision verified, a source merged, a fix confirmed); for a fix proposal that fixes an
 * item or a report, `FixAccepted` once verified and confirmed, for that case to attach. Versions count up
 * from the case's current one.
 */
export function withPublication(before: CaseState, decided: CaseEvent[]): CaseEvent[] {
  if (decided.length === 0 || decided.some((e) => e.type === 'ItemWithdrawn')) return decided;
  const after = decided.reduce(evolve, before);
  if (after.kind !== 'case') return decided;
  const trigger = decided[decided.length - 1];
  const base = { caseId: trigger.caseId, actor: trigger.actor, correlationId: trigger.correlationId, at: trigger.at };
  const events = [...decided];
  let version = after.version;
  let current: Case = after;
  if (publishesItem(after) && decided.some((e) => e.type === 'CaseVerified')) {
    const verified: CaseEvent = { type: 'ItemVerified', ...base, version: ++version, item: publishedItem(after) };
    events.push(verified);
    current = evolve(current, verified) as Case;
  }
  if (isPublishable(current)) {
    const item = publishedItem(current);
    if (current.published === null || stableJson(current.published) !== stableJson(item)) {
      events.push({ type: 'ItemPublishable', ...base, version: ++version, item });
    }
  }
  if (!publishesItem(after) && after.subject.kind === 'fix' && isAcceptedFix(after) && (before.kind !== 'case' || !isAcceptedFix(before))) {
    const fix = fixOf(after);
    if (fix !== null) events.push({ type: 'FixAccepted', ...base, fixId: after.subject.fixId, target: after.subject.target, fix });
  }
  return events;
}

function isAcceptedFix(state: Case): boolean {
  return state.state === 'verified' && fixOf(state)?.confirmation != null;
}

// Checks ----------------------------------------------------------------------------------------------

const ALL_STATES: readonly CaseStateName[] = CASE_STATES;

function assertNoCase(state: CaseState, caseId: string): void {
  if (state.kind === 'case') throw new DomainError(CASE_ERRORS.CASE_EXISTS, `case ${caseId} is already open`, { caseId });
}

function existingCase(state: CaseState, caseId: string): Case {
  if (state.kind !== 'case') throw new DomainError(CASE_ERRORS.CASE_NOT_FOUND, `case ${caseId} does not exist`, { caseId });
  if (state.caseId !== caseId) throw new Error(`command for case ${caseId} decided against case ${state.caseId}`);
  return state;
}

/** DCC actions: party type `dcc` with role `verifier`; other DCC users read only. */
function assertVerifier(actor: Actor): void {
  if (actor.partyType !== 'dcc' || !actor.roles.includes('verifier')) {
    throw new DomainError(CASE_ERRORS.FORBIDDEN_NOT_VERIFIER, 'only a DCC verifier may act on a case', { partyType: actor.partyType });
  }
}

/** R3/R5: only the accountable party agrees and confirms; with none registered, nobody can yet. */
function assertAccountable(found: Case, actor: Actor): void {
  if (found.accountable === null) {
    throw new DomainError(CASE_ERRORS.ACCOUNTABLE_PARTY_MISSING, 'no manufacturer or CSP is registered for this make: DCC must register one first', {});
  }
  if (actor.partyId !== found.accountable.partyId) {
    throw new DomainError(CASE_ERRORS.FORBIDDEN_NOT_ACCOUNTABLE_PARTY, `only the accountable party (${found.accountable.partyId}) may answer for this case`, {
      partyId: actor.partyId,
    });
  }
}

function assertState(found: Case, allowed: readonly CaseStateName[]): void {
  if (!allowed.includes(found.state)) throw stateConflict(found, allowed);
}

/** The verifier's own actions need the case claimed by that verifier. */
function assertHeldBy(found: Case, actor: Actor): void {
  assertState(found, ['claimed']);
  if (found.assignee !== actor.userId) throw claimConflict(found);
}

function stateConflict(found: Case, allowed: readonly CaseStateName[]): DomainError {
  return new DomainError(CASE_ERRORS.CASE_STATE_CONFLICT, `the case is ${found.state}; this needs it ${allowed.join(' or ')}`, { state: found.state, allowed });
}

function claimConflict(found: Case): DomainError {
  return new DomainError(CASE_ERRORS.CASE_CLAIM_CONFLICT, `the case is claimed by ${found.assignee ?? 'nobody'}`, { state: found.state, assignee: found.assignee });
}

function kindConflict(found: Case, message: string): DomainError {
  return new DomainError(CASE_ERRORS.CASE_KIND_CONFLICT, `${message}; this case is a ${found.caseKind}`, { caseKind: found.caseKind });
}

/** Free text is stored as given; only its presence is checked. */
function requiredText(value: string | null | undefined, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new DomainError(CASE_ERRORS.INVALID_COMMAND, `${field} is required`, { field });
  if (value.length > MAX_TEXT) throw new DomainError(CASE_ERRORS.INVALID_COMMAND, `${field} is longer than ${MAX_TEXT} characters`, { field });
  return value;
}

function optionalText(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  return requiredText(value, field);
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** As long as a firmware version intake accepts. */
const MAX_FIRMWARE_VERSION = 64;

/** As long as the Fix Information intake accepts. */
const MAX_TEXT = 4000;

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
