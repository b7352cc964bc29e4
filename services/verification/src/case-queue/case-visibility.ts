import { AccountableParty, CanonicalDevice, CaseFixData, CaseSubject, FixReferenceStatus, IntakeItemRef, ItemSourceRef } from '@smi/contracts';
import { Case, CaseEvent, CaseKind, CaseStateName, fixOf, Inclusion, providerOf, Wait } from '../case-aggregate';

/*
 * Who sees what of a case (issue point 9): one rule, used by `GET /cases` (as SQL, `visibleCasesWhere`) and by
 * `GET /cases/{id}` (as `caseAccess`), and one projection per kind of viewer, built from an allow-list so that
 * a field added to the case later is shown to DCC only until someone decides otherwise.
 *
 * - DCC (party type `dcc`, any role): everything.
 * - The provider (providerOf(subject): the item's provider, the reporter, the fix's proposer): its own case's
 *   state, its own submitted content, the questions asked of it and its answers, rejection reasons and the
 *   outcome. Never the duplicate hints (they name other providers' items), the merged sources of other cases,
 *   verifier user ids, DCC's notes, or what the accountable party said.
 * - A manufacturer or CSP: a case while it waits on that party for agreement (R3) or a fix confirmation (R5):
 *   the content as DCC verified it, what is asked, and its own answers; never the unverified content, nor who
 *   provided it.
 * - Anybody else: nothing, and the case is answered as not found, so that its existence is not disclosed.
 */

/** The caller, as far as seeing a case goes. */
export interface Viewer {
  partyId: string;
  partyType: string;
}

export type CaseAccess = 'dcc' | 'provider' | 'accountable-party';

/** Party types that answer for a make, and so are asked to agree and confirm. */
const ASKED_PARTY_TYPES: readonly string[] = ['manufacturer', 'csp'];
/** What an accountable party is asked for. Information is asked of the provider, who sees its case anyway. */
const ASKED_OF_ACCOUNTABLE: ReadonlyArray<Wait['waitingFor']> = ['agreement', 'confirmation'];

/** How `viewer` may see `state`, or `null` when it may not know the case exists. */
export function caseAccess(viewer: Viewer, state: Case): CaseAccess | null {
  if (viewer.partyType === 'dcc') return 'dcc';
  if (providerOf(state.subject) === viewer.partyId) return 'provider';
  const { wait } = state;
  if (ASKED_PARTY_TYPES.includes(viewer.partyType) && wait !== null && wait.partyId === viewer.partyId && ASKED_OF_ACCOUNTABLE.includes(wait.waitingFor)) {
    return 'accountable-party';
  }
  return null;
}

/**
 * `caseAccess` as a condition on the `cases` table, for lists: the row's `provider_party_id` is providerOf(subject)
 * and `waiting_on` / `waiting_for` are the case's wait (case-writer.ts projectCases). `param` adds a query
 * parameter and returns its placeholder.
 */
export function visibleCasesWhere(viewer: Viewer, param: (value: unknown) => string): string {
  if (viewer.partyType === 'dcc') return 'TRUE';
  const party = param(viewer.partyId);
  if (!ASKED_PARTY_TYPES.includes(viewer.partyType)) return `provider_party_id = ${party}`;
  const asked = ASKED_OF_ACCOUNTABLE.map((waitingFor) => `'${waitingFor}'`).join(', ');
  return `(provider_party_id = ${party} OR (waiting_on = ${party} AND waiting_for IN (${asked})))`;
}

/** What the `cases` row knows besides the case's state. */
export interface CaseRowTimes {
  /** When the case entered its current state: what "older than N days" counts from. */
  stateSince: string;
  openedAt: string;
  updatedAt: string;
  /** Version of the case's stream. */
  streamVersion: number;
}

interface CaseViewBase {
  caseId: string;
  caseKind: CaseKind;
  state: CaseStateName;
  stateSince: string;
  openedAt: string;
}

/** DCC: the whole case. */
export interface DccCaseView extends CaseViewBase {
  view: 'dcc';
  updatedAt: string;
  streamVersion: number;
  provider: string;
  accountable: AccountableParty | null;
  assignee: string | null;
  wait: Wait | null;
  question: string | null;
  subject: CaseSubject;
  verified: Case['verified'];
  reopenedFrom: CaseStateName | null;
  inclusion: Inclusion;
  fixReference: FixReferenceStatus;
  fix: CaseFixData | null;
  fixDeclined: boolean;
  hints: IntakeItemRef[];
  sources: ItemSourceRef[];
  /** Publication version of the item (ItemVerified, ItemPublishable, ItemWithdrawn). */
  publicationVersion: number;
  published: boolean;
}

/** What a case waits on the viewer for, when it does. */
export interface AskedView {
  waitingFor: Wait['waitingFor'];
  since: string;
  overdue: boolean;
  /** The open question, when information is asked. */
  question: string | null;
  /** The fix to confirm, when confirmation is asked. */
  fix: { fixId: string | null; fixInformation: string; fixingFirmwareVersion: string | null } | null;
}

/** The provider: its own content and what DCC made of it. */
export interface ProviderCaseView extends CaseViewBase {
  view: 'provider';
  /** Its content under review: the latest it submitted (a rejected revision returns to the verified one). */
  subject: CaseSubject;
  /** Its content as DCC last verified it, with the canonical make and model; who verified it is not shown. */
  verified: { subject: CaseSubject; canonical: CanonicalDevice; at: string } | null;
  asked: AskedView | null;
  /** Its own fix (its row's Fix Information or its proposal) and whether the accountable party confirmed it. */
  fix: { fixId: string | null; fixInformation: string; fixingFirmwareVersion: string | null; confirmed: boolean } | null;
  published: boolean;
}

/** The submission format's fields of verified content, without who provided it or the provider's own keys. */
export type VerifiedContent =
  | ({ kind: 'item' } & Pick<
      Extract<CaseSubject, { kind: 'item' }>,
      'make' | 'model' | 'firmwareVersion' | 'deviceType' | 'source' | 'statusOfInformation' | 'dateLastUpdated' | 'fixAvailable' | 'fixInformation'
    >)
  | ({ kind: 'report' } & Pick<
      Extract<CaseSubject, { kind: 'report' }>,
      'make' | 'model' | 'firmwareVersion' | 'deviceType' | 'source' | 'statusOfInformation' | 'description' | 'dateObserved'
    >)
  | ({ kind: 'fix'; target: { kind: 'item' | 'report' | 'device' } } & Pick<
      Extract<CaseSubject, { kind: 'fix' }>,
      'fixId' | 'make' | 'model' | 'firmwareVersion' | 'deviceType' | 'source' | 'fixingFirmwareVersion' | 'fixInformation'
    >);

/** A manufacturer or CSP asked to agree or confirm: the verified content and the ask. */
export interface AccountablePartyCaseView extends CaseViewBase {
  view: 'accountable-party';
  verified: { content: VerifiedContent; canonical: CanonicalDevice; at: string } | null;
  asked: AskedView;
}

export type CaseView = DccCaseView | ProviderCaseView | AccountablePartyCaseView;

/** The case as `viewer` sees it with `access` (from caseAccess). */
export function caseView(access: CaseAccess, viewer: Viewer, state: Case, row: CaseRowTimes): CaseView {
  const base: CaseViewBase = { caseId: state.caseId, caseKind: state.caseKind, state: state.state, stateSince: row.stateSince, openedAt: row.openedAt };
  switch (access) {
    case 'dcc':
      return {
        view: 'dcc',
        ...base,
        updatedAt: row.updatedAt,
        streamVersion: row.streamVersion,
        provider: providerOf(state.subject),
        accountable: state.accountable,
        assignee: state.assignee,
        wait: state.wait,
        question: state.question,
        subject: state.subject,
        verified: state.verified,
        reopenedFrom: state.reopenedFrom,
        inclusion: state.inclusion,
        fixReference: state.fixReference,
        fix: fixOf(state),
        fixDeclined: state.fixDeclined,
        hints: state.hints,
        sources: state.sources,
        publicationVersion: state.version,
        published: state.published !== null,
      };
    case 'provider': {
      const fix = fixOf(state);
      return {
        view: 'provider',
        ...base,
        subject: state.subject,
        verified: state.verified === null ? null : { subject: state.verified.subject, canonical: state.verified.canonical, at: state.verified.at },
        asked: askedOf(viewer, state),
        // A fix someone else proposed for its item is that party's content until it is published.
        fix:
          fix !== null && fix.proposerPartyId === viewer.partyId
            ? { fixId: fix.fixId, fixInformation: fix.fixInformation, fixingFirmwareVersion: fix.fixingFirmwareVersion, confirmed: fix.confirmation !== null }
            : null,
        published: state.published !== null,
      };
    }
    case 'accountable-party': {
      const asked = askedOf(viewer, state);
      if (asked === null) throw new Error(`case ${state.caseId} does not wait on ${viewer.partyId}`);
      return {
        view: 'accountable-party',
        ...base,
        verified: state.verified === null ? null : { content: verifiedContent(state.verified.subject), canonical: state.verified.canonical, at: state.verified.at },
        asked,
      };
    }
  }
}

function askedOf(viewer: Viewer, state: Case): AskedView | null {
  const { wait } = state;
  if (wait === null || wait.partyId !== viewer.partyId) return null;
  const fix = wait.waitingFor === 'confirmation' ? fixOf(state) : null;
  return {
    waitingFor: wait.waitingFor,
    since: wait.since,
    overdue: wait.overdue,
    question: wait.waitingFor === 'information' ? state.question : null,
    fix: fix === null ? null : { fixId: fix.fixId, fixInformation: fix.fixInformation, fixingFirmwareVersion: fix.fixingFirmwareVersion },
  };
}

function verifiedContent(subject: CaseSubject): VerifiedContent {
  switch (subject.kind) {
    case 'item': {
      const { make, model, firmwareVersion, deviceType, source, statusOfInformation, dateLastUpdated, fixAvailable, fixInformation } = subject;
      return { kind: 'item', make, model, firmwareVersion, deviceType, source, statusOfInformation, dateLastUpdated, fixAvailable, fixInformation };
    }
    case 'report': {
      const { make, model, firmwareVersion, deviceType, source, statusOfInformation, description, dateObserved } = subject;
      return { kind: 'report', make, model, firmwareVersion, deviceType, source, statusOfInformation, description, dateObserved };
    }
    case 'fix': {
      const { fixId, make, model, firmwareVersion, deviceType, source, fixingFirmwareVersion, fixInformation } = subject;
      // The target names another provider's item or a report: only its kind is shown.
      return { kind: 'fix', target: { kind: subject.target.kind }, fixId, make, model, firmwareVersion, deviceType, source, fixingFirmwareVersion, fixInformation };
    }
  }
}

// History ------------------------------------------------------------------------------------------------

/** One recorded event of the case's stream. */
export interface RecordedCaseEvent {
  streamVersion: number;
  event: CaseEvent;
}

/** Who acted, as the viewer may know: another party's people are not named, nor DCC's verifiers. */
export interface ActorView {
  userId: string | null;
  partyId: string | null;
  partyType: string;
  roles: string[] | null;
}

export interface HistoryEntryView {
  streamVersion: number;
  type: CaseEvent['type'];
  at: string;
  actor: ActorView;
  /** The request (or consumed event) the change belongs to; shown to others than DCC for their own actions only. */
  correlationId: string | null;
  data: Record<string, unknown>;
}

type EventData = Record<string, unknown>;

/** The case's history as `viewer` sees it with `access`: events it may not see are left out. */
export function historyView(access: CaseAccess, viewer: Viewer, recorded: readonly RecordedCaseEvent[]): HistoryEntryView[] {
  const entries: HistoryEntryView[] = [];
  for (const { streamVersion, event } of recorded) {
    const data = access === 'dcc' ? dataOf(event) : access === 'provider' ? providerData(event, viewer) : accountablePartyData(event, viewer);
    if (data === undefined) continue;
    const own = access === 'dcc' || event.actor.partyId === viewer.partyId;
    entries.push({
      streamVersion,
      type: event.type,
      at: event.at,
      actor:
        access === 'dcc'
          ? { userId: event.actor.userId, partyId: event.actor.partyId, partyType: event.actor.partyType, roles: [...event.actor.roles] }
          : own
            ? { userId: event.actor.userId, partyId: event.actor.partyId, partyType: event.actor.partyType, roles: null }
            : { userId: null, partyId: null, partyType: event.actor.partyType, roles: null },
      correlationId: own ? event.correlationId : null,
      data,
    });
  }
  return entries;
}

/** An event's own data: what is not lifted into the entry (type, case, actor, correlation id, time). */
function dataOf(event: CaseEvent): EventData {
  const { type: _type, caseId: _caseId, actor: _actor, correlationId: _correlationId, at: _at, ...data } = event;
  return data;
}

/**
 * What the provider sees of each event: `undefined` leaves the event out. State changes are kept (the provider
 * sees the state) without what DCC or the accountable party wrote, except the question asked of it and the
 * reason for a rejection.
 */
function providerData(event: CaseEvent, viewer: Viewer): EventData | undefined {
  switch (event.type) {
    case 'CaseOpened':
      return { caseKind: event.caseKind, subject: event.subject };
    case 'RevisionReceived':
      return { submissionId: event.submissionId, changes: event.changes, content: event.content };
    case 'InformationRequested':
      return { question: event.question };
    case 'InformationProvided':
      return { answer: event.answer };
    case 'CaseVerified':
      return { canonical: event.canonical, outcome: event.outcome };
    case 'CaseRejected':
      return { reason: event.reason, restoredState: event.restoredState };
    case 'FixConfirmed':
      return { fixId: event.fixId, fixingFirmwareVersion: event.fixingFirmwareVersion };
    case 'ItemVerified':
    case 'ItemPublishable':
    case 'ItemWithdrawn':
      return { version: event.version };
    case 'PartyResponseOverdue':
      return event.waitingOn === viewer.partyId ? { waitingFor: event.waitingFor, waitingSince: event.waitingSince, overdueFrom: event.overdueFrom } : undefined;
    case 'CaseClaimed':
    case 'CaseReleased':
    case 'InclusionAgreed':
    case 'InclusionDisputed':
    case 'CaseClosedNotIncluded':
    case 'IncludedDespiteDispute':
    case 'CaseMarkedDuplicate':
    case 'FixDeclined':
    case 'FixAttached':
    case 'FixAccepted':
    case 'FixReferenceResolved':
      // The state changed; who, why and with what is DCC's or the accountable party's.
      return {};
    case 'AccountablePartyAssigned':
    case 'DuplicateHintsAttached':
    case 'SourcesMerged':
      return undefined;
  }
}

/** What the accountable party sees: DCC's verification of the content, and its own answers. */
function accountablePartyData(event: CaseEvent, viewer: Viewer): EventData | undefined {
  const own = event.actor.partyId === viewer.partyId;
  switch (event.type) {
    case 'CaseVerified':
      return { canonical: event.canonical, outcome: event.outcome };
    case 'InclusionAgreed':
      return own ? { note: event.note } : undefined;
    case 'InclusionDisputed':
      return own ? { reason: event.reason } : undefined;
    case 'IncludedDespiteDispute':
      // Its own dispute, kept on the record; DCC's reason for including is DCC's.
      return event.dispute.partyId === viewer.partyId ? { dispute: event.dispute } : undefined;
    case 'FixConfirmed':
      return own ? { fixId: event.fixId, fixingFirmwareVersion: event.fixingFirmwareVersion, confirmation: event.confirmation } : undefined;
    case 'FixDeclined':
      return own ? { fixId: event.fixId, note: event.note } : undefined;
    case 'PartyResponseOverdue':
      return event.waitingOn === viewer.partyId ? { waitingFor: event.waitingFor, waitingSince: event.waitingSince, overdueFrom: event.overdueFrom } : undefined;
    case 'CaseOpened':
    case 'AccountablePartyAssigned':
    case 'DuplicateHintsAttached':
    case 'RevisionReceived':
    case 'CaseClaimed':
    case 'CaseReleased':
    case 'InformationRequested':
    case 'InformationProvided':
    case 'CaseClosedNotIncluded':
    case 'CaseRejected':
    case 'CaseMarkedDuplicate':
    case 'SourcesMerged':
    case 'FixAttached':
    case 'FixAccepted':
    case 'FixReferenceResolved':
    case 'ItemVerified':
    case 'ItemPublishable':
    case 'ItemWithdrawn':
      // The unverified content, the provider's exchanges with DCC, other cases and what publication hears.
      return undefined;
  }
}
