import { CaseSubject } from '@smi/contracts';
import { CaseEvent } from './case-events';
import { Case, CaseState, Wait, fixOf, providerOf, sourceOf } from './case-state';

/** How each recorded event changes a case; then who the case waits on, kept while it is the same wait. */
export function evolve(state: CaseState, event: CaseEvent): CaseState {
  if (event.type === 'CaseOpened') return withWait(null, opened(event), event.at);
  // History is fact: an event for a case not (yet) opened cannot be undone, so it is skipped rather than
  // making the whole stream unreadable.
  if (state.kind !== 'case') return state;
  return withWait(state.wait, apply(state, event), event.at);
}

function opened(event: Extract<CaseEvent, { type: 'CaseOpened' }>): Case {
  const { subject } = event;
  return {
    kind: 'case',
    caseId: event.caseId,
    caseKind: event.caseKind,
    state: 'queued',
    subject,
    verified: null,
    reopenedFrom: null,
    assignee: null,
    accountable: event.accountable,
    inclusion: { status: 'needs-agreement' },
    fixReference: event.fixReference,
    proposalFix:
      subject.kind === 'fix'
        ? {
            fixId: subject.fixId,
            origin: 'proposal',
            proposerPartyId: subject.proposerPartyId,
            fixingFirmwareVersion: subject.fixingFirmwareVersion,
            fixInformation: subject.fixInformation,
            confirmation: null,
          }
        : null,
    rowFixConfirmation: null,
    hints: [],
    sources: [sourceOf(event.caseId, subject)],
    wait: null,
    question: null,
    version: 0,
    published: null,
    fixDeclined: false,
  };
}

function apply(state: Case, event: Exclude<CaseEvent, { type: 'CaseOpened' }>): Case {
  switch (event.type) {
    case 'AccountablePartyAssigned':
      return { ...state, accountable: event.accountable };
    case 'DuplicateHintsAttached': {
      const known = new Set(state.hints.map((h) => `${h.providerPartyId}/${h.identifier}`));
      return { ...state, hints: [...state.hints, ...event.matches.filter((m) => !known.has(`${m.providerPartyId}/${m.identifier}`))] };
    }
    case 'RevisionReceived': {
      const subject: CaseSubject =
        state.subject.kind === 'item'
          ? { ...state.subject, ...event.content, submissionId: event.submissionId, contentHash: event.contentHash, submittedAt: event.at }
          : state.subject;
      return {
        ...state,
        subject,
        // A verifier holding the case keeps it and sees the new content; anywhere else it returns to the queue.
        state: state.state === 'claimed' ? 'claimed' : 'queued',
        assignee: state.state === 'claimed' ? state.assignee : null,
        reopenedFrom: state.verified === null ? null : (state.reopenedFrom ?? event.reopenedFrom),
        question: null,
        fixDeclined: false,
      };
    }
    case 'CaseClaimed':
      return { ...state, state: 'claimed', assignee: event.assignee };
    case 'CaseReleased':
      return { ...state, state: 'queued', assignee: null };
    case 'InformationRequested':
      return { ...state, state: 'awaiting-information', assignee: null, question: event.question };
    case 'InformationProvided':
      return { ...state, state: 'queued', question: null };
    case 'CaseVerified':
      return {
        ...state,
        state: event.outcome,
        assignee: null,
        reopenedFrom: null,
        verified: { subject: state.subject, canonical: event.canonical, at: event.at, by: event.actor.userId },
      };
    case 'InclusionAgreed':
      return { ...state, state: 'verified', inclusion: { status: 'agreed' } };
    case 'InclusionDisputed':
      return { ...state, state: 'disputed', inclusion: { status: 'disputed', partyId: event.actor.partyId, reason: event.reason } };
    case 'CaseClosedNotIncluded':
      return { ...state, state: 'closed-not-included' };
    case 'IncludedDespiteDispute':
      return { ...state, state: 'verified', inclusion: { status: 'included-despite-dispute', ...event.dispute } };
    case 'CaseRejected':
      if (event.restoredState !== null && state.verified !== null) {
        return { ...state, state: event.restoredState, subject: state.verified.subject, assignee: null, reopenedFrom: null };
      }
      return { ...state, state: 'rejected', assignee: null, reopenedFrom: null };
    case 'CaseMarkedDuplicate':
      return { ...state, state: 'duplicate', assignee: null };
    case 'SourcesMerged': {
      const known = new Set(state.sources.map((s) => s.caseId));
      return { ...state, sources: [...state.sources, ...event.sources.filter((s) => !known.has(s.caseId))] };
    }
    case 'FixConfirmed': {
      if (event.fixId === null) {
        const fix = fixOf(state, state.subject);
        if (fix === null) return state;
        return {
          ...state,
          fixDeclined: false,
          rowFixConfirmation: { fixInformation: fix.fixInformation, fixingFirmwareVersion: event.fixingFirmwareVersion, confirmation: event.confirmation },
        };
      }
      if (state.proposalFix === null) return state;
      return { ...state, fixDeclined: false, proposalFix: { ...state.proposalFix, fixingFirmwareVersion: event.fixingFirmwareVersion, confirmation: event.confirmation } };
    }
    case 'FixDeclined':
      return { ...state, fixDeclined: true };
    case 'FixAttached':
      return { ...state, proposalFix: event.fix, fixDeclined: false };
    case 'FixReferenceResolved':
      return { ...state, fixReference: 'resolved' };
    case 'PartyResponseOverdue':
      return state.wait === null ? state : { ...state, wait: { ...state.wait, overdue: true } };
    case 'ItemVerified':
      return { ...state, version: event.version };
    case 'ItemPublishable':
      return { ...state, version: event.version, published: event.item };
    case 'ItemWithdrawn':
      return { ...state, version: event.version, published: null, state: 'withdrawn' };
    case 'FixAccepted':
      return state;
  }
}

/**
 * Who the case waits on now: the provider for information, the accountable party for agreement (R3) or for
 * confirming the fix (R5). The same wait keeps its start (and whether it was chased); a new one starts now.
 */
function withWait(previous: Wait | null, state: Case, at: string): Case {
  const wanted = wantedWait(state);
  if (wanted === null) return state.wait === null ? state : { ...state, wait: null };
  const current = state.wait ?? previous;
  if (current !== null && current.partyId === wanted.partyId && current.waitingFor === wanted.waitingFor) {
    return state.wait === current ? state : { ...state, wait: current };
  }
  return { ...state, wait: { ...wanted, since: at, overdue: false } };
}

function wantedWait(state: Case): Pick<Wait, 'partyId' | 'chased' | 'waitingFor'> | null {
  if (state.state === 'awaiting-information') {
    const { subject } = state;
    // Item files come only from manufacturers and CSPs; a reporter or proposer is chased only if it is one.
    const chased = subject.kind === 'item' || (subject.kind === 'fix' && (subject.proposerPartyType === 'manufacturer' || subject.proposerPartyType === 'csp'));
    return { partyId: providerOf(subject), chased, waitingFor: 'information' };
  }
  if (state.accountable === null) return null;
  const { partyId } = state.accountable;
  if (state.state === 'awaiting-agreement') return { partyId, chased: true, waitingFor: 'agreement' };
  if (state.state === 'verified' && !state.fixDeclined) {
    const fix = fixOf(state);
    if (fix !== null && fix.confirmation === null) return { partyId, chased: true, waitingFor: 'confirmation' };
  }
  return null;
}
