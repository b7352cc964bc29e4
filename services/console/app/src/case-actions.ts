/*
 * Which actions the case page offers, decided from the case as the caller sees it (its `view`, state, claim,
 * wait) and the signed-in party: the same conditions the verification service's case rules check
 * (services/verification/src/case-aggregate/case-rules.ts), so the page shows only what could succeed. The
 * service still decides: a refusal's reason is shown as it answers.
 */

export interface Viewer {
  userId: string;
  partyId: string;
  partyType: string;
  roles: string[];
}

export interface FieldSpec {
  name: string;
  label: string;
  kind: 'text' | 'textarea' | 'checkbox' | 'select';
  required?: boolean;
  options?: string[];
}

export interface ActionSpec {
  id: string;
  label: string;
  /** Path on the verification service. */
  path: string;
  fields: FieldSpec[];
  body: (values: Record<string, string | boolean>) => unknown;
}

/** The parts of a case view (verification `GET /cases/{id}`) the decision reads. */
export interface CaseLike {
  view: 'dcc' | 'provider' | 'accountable-party';
  caseId: string;
  state: string;
  assignee?: string | null;
  fixReference?: string;
  published?: boolean;
  asked?: { waitingFor: string } | null;
}

const CLOSED = ['rejected', 'duplicate', 'withdrawn', 'closed-not-included'];

const text = (v: string | boolean | undefined): string => (typeof v === 'string' ? v.trim() : '');
const optional = (v: string | boolean | undefined): string | null => text(v) || null;

export function isVerifier(viewer: Viewer): boolean {
  return viewer.partyType === 'dcc' && viewer.roles.includes('verifier');
}

export function actionsFor(view: CaseLike, viewer: Viewer): ActionSpec[] {
  const at = (action: string) => `/cases/${encodeURIComponent(view.caseId)}/${action}`;
  const actions: ActionSpec[] = [];
  if (view.view === 'dcc') {
    if (!isVerifier(viewer)) return actions;
    if (view.state === 'queued') actions.push({ id: 'claim', label: 'Claim', path: at('claim'), fields: [], body: () => ({}) });
    if (view.state === 'claimed' && view.assignee === viewer.userId) {
      actions.push(
        {
          id: 'verify',
          label: 'Verify',
          path: at('verification'),
          fields: [
            { name: 'data', label: 'Data checked', kind: 'checkbox' },
            { name: 'fixReference', label: 'Fix reference checked', kind: 'checkbox' },
            { name: 'presentation', label: 'Presentation checked', kind: 'checkbox' },
            { name: 'note', label: 'Note', kind: 'textarea' },
          ],
          body: (v) => ({ checks: { data: v.data === true, fixReference: v.fixReference === true, presentation: v.presentation === true }, note: optional(v.note) }),
        },
        { id: 'request-information', label: 'Ask the provider', path: at('information-requests'), fields: [{ name: 'question', label: 'Question', kind: 'textarea', required: true }], body: (v) => ({ question: text(v.question) }) },
        { id: 'reject', label: 'Reject', path: at('rejection'), fields: [{ name: 'reason', label: 'Reason', kind: 'textarea', required: true }], body: (v) => ({ reason: text(v.reason) }) },
        {
          id: 'duplicate',
          label: 'Mark duplicate',
          path: at('duplicate'),
          fields: [
            { name: 'duplicateOf', label: 'Duplicate of case id', kind: 'text', required: true },
            { name: 'reason', label: 'Reason', kind: 'textarea', required: true },
          ],
          body: (v) => ({ duplicateOf: text(v.duplicateOf), reason: text(v.reason) }),
        },
      );
    }
    if (view.state === 'claimed') actions.push({ id: 'release', label: 'Release to the queue', path: at('release'), fields: [{ name: 'reason', label: 'Reason', kind: 'text' }], body: (v) => ({ reason: optional(v.reason) }) });
    if (view.state === 'disputed') {
      actions.push({
        id: 'dispute-outcome',
        label: 'Settle the dispute',
        path: at('dispute-outcome'),
        fields: [
          { name: 'outcome', label: 'Outcome', kind: 'select', options: ['not-included', 'included'], required: true },
          { name: 'reason', label: 'Reason', kind: 'textarea', required: true },
        ],
        body: (v) => ({ outcome: text(v.outcome), reason: text(v.reason) }),
      });
    }
    if (view.fixReference === 'unresolved' && !CLOSED.includes(view.state)) {
      actions.push({ id: 'fix-reference', label: 'Resolve the fix reference', path: at('fix-reference'), fields: [{ name: 'note', label: 'How it was settled', kind: 'textarea', required: true }], body: (v) => ({ note: text(v.note) }) });
    }
    if (view.published === true) actions.push({ id: 'withdraw', label: 'Withdraw the published item', path: at('withdrawal'), fields: [{ name: 'reason', label: 'Reason', kind: 'textarea', required: true }], body: (v) => ({ reason: text(v.reason) }) });
    return actions;
  }
  const waitingFor = view.asked?.waitingFor;
  if (view.view === 'provider' && view.state === 'awaiting-information' && waitingFor === 'information') {
    actions.push({ id: 'respond', label: 'Answer the question', path: at('responses'), fields: [{ name: 'answer', label: 'Answer', kind: 'textarea', required: true }], body: (v) => ({ answer: text(v.answer) }) });
  }
  if (view.view === 'accountable-party' && (viewer.partyType === 'manufacturer' || viewer.partyType === 'csp')) {
    if (waitingFor === 'agreement' && view.state === 'awaiting-agreement') {
      actions.push(
        { id: 'agree', label: 'Agree to inclusion', path: at('agreement'), fields: [{ name: 'note', label: 'Note', kind: 'text' }], body: (v) => ({ agreed: true, reason: optional(v.note) }) },
        { id: 'dispute', label: 'Dispute inclusion', path: at('agreement'), fields: [{ name: 'reason', label: 'Reason', kind: 'textarea', required: true }], body: (v) => ({ agreed: false, reason: text(v.reason) }) },
      );
    }
    if (waitingFor === 'confirmation' && !CLOSED.includes(view.state)) {
      actions.push(
        {
          id: 'confirm-fix',
          label: 'Confirm the fix',
          path: at('fix-confirmation'),
          fields: [
            { name: 'fixingFirmwareVersion', label: 'Fixing firmware version', kind: 'text' },
            { name: 'note', label: 'Note', kind: 'text' },
          ],
          body: (v) => ({ confirmed: true, fixingFirmwareVersion: optional(v.fixingFirmwareVersion), note: optional(v.note) }),
        },
        { id: 'decline-fix', label: 'Decline the fix', path: at('fix-confirmation'), fields: [{ name: 'note', label: 'Why', kind: 'textarea', required: true }], body: (v) => ({ confirmed: false, note: text(v.note) }) },
      );
    }
  }
  return actions;
}
