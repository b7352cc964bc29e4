import { PossibleDuplicateFlaggedData } from '@smi/contracts';
import { Actor, Case } from '../case-aggregate';
import {
  ACME,
  ACME_PARTY,
  CaseRun,
  CSP,
  DCC_READER,
  duplicateFlagged,
  itemRevised,
  OTHER_MFR,
  othersItem,
  SUPPLIER,
  SYSTEM,
  VERIFIER,
} from '../case-aggregate/test-support/case-fixtures';
import { CaseAccess, caseAccess, caseView, historyView, visibleCasesWhere } from './case-visibility';

const ROW = { stateSince: '2026-03-02T10:00:00.000Z', openedAt: '2026-03-02T10:00:00.000Z', updatedAt: '2026-03-03T10:00:00.000Z', streamVersion: 9 };

/** A party no case is about and nothing waits on. */
const OTHER_SUPPLIER: Actor = { userId: 'other-supplier-user', partyId: 'SUPPLIER-B', partyType: 'supplier', roles: [] };
const SECAS: Actor = { userId: 'secas-user', partyId: 'SECAS', partyType: 'secas', roles: [] };

/** Hints name another provider's item: what a provider must never learn from its own case. */
const HINTED = 'HINTED-PROVIDER';
const hints = (): PossibleDuplicateFlaggedData => ({ ...duplicateFlagged(), matches: [{ providerPartyId: HINTED, identifier: '99' }] });

const QUESTION = 'Which hardware revision shows it?';
const ANSWER = 'Revision B boards only';
const DCC_NOTE = 'Checked against the lab log of 2 March';

function caseOf(run: CaseRun): Case {
  const state = run.state();
  if (state.kind !== 'case') throw new Error('no case');
  return state;
}

/** A CSP's item about ACME's make, asked about, answered and verified: it waits for ACME's agreement (R3). */
function cspItemAwaitingAgreement(): CaseRun {
  return CaseRun.item(othersItem(), ACME_PARTY, 'case-7')
    .do(SYSTEM, { type: 'AttachDuplicateHints', flag: hints() })
    .claim()
    .do(VERIFIER, { type: 'RequestInformation', question: QUESTION })
    .do(CSP, { type: 'ProvideInformation', answer: ANSWER })
    .claim()
    .do(VERIFIER, { type: 'VerifyCase', checks: { data: true, fixReference: true, presentation: true }, note: DCC_NOTE, catalogue: catalogue() });
}

function catalogue() {
  return { makeId: 'make-acme', make: 'Acme Meters', manufacturerId: '10A3', modelId: 'model-x1', model: 'X1', smiModelId: '00050203' };
}

/** What `viewer` gets of the run's case, as both endpoints build it: the view and the history, as JSON. */
function seen(viewer: Actor, run: CaseRun): { access: CaseAccess | null; json: string; view?: Record<string, unknown> } {
  const state = caseOf(run);
  const access = caseAccess(viewer, state);
  if (access === null) return { access, json: '' };
  const view = { ...caseView(access, viewer, state, ROW), history: historyView(access, viewer, run.events.map((event, i) => ({ streamVersion: i + 1, event }))) };
  return { access, json: JSON.stringify(view), view: JSON.parse(JSON.stringify(view)) };
}

describe('who sees a case (issue point 9)', () => {
  it('shows DCC, any role, everything: hints, the verifier, DCC’s notes, the accountable party', () => {
    const { access, json, view } = seen(DCC_READER, cspItemAwaitingAgreement());
    expect(access).toBe('dcc');
    for (const text of [HINTED, VERIFIER.userId, DCC_NOTE, ACME.partyId, CSP.partyId, QUESTION, ANSWER]) expect(json).toContain(text);
    expect(view).toMatchObject({ view: 'dcc', provider: CSP.partyId, accountable: ACME_PARTY, hints: [{ providerPartyId: HINTED }], verified: { by: VERIFIER.userId } });
  });

  it('shows the provider its own case: its content, the question and its answer, the outcome; nothing of DCC’s or other parties', () => {
    const { access, json, view } = seen(CSP, cspItemAwaitingAgreement());
    expect(access).toBe('provider');
    expect(view).toMatchObject({
      view: 'provider',
      state: 'awaiting-agreement',
      subject: { providerPartyId: CSP.partyId, identifier: '7', make: 'ACME meters' },
      verified: { canonical: { make: 'Acme Meters', model: 'X1' } },
      asked: null,
      // Its own row's fix, not yet confirmed by the accountable party.
      fix: { fixId: null, fixInformation: 'Upgrade to 38040405', confirmed: false },
      published: false,
    });
    const history = view!.history as Array<{ type: string; data: unknown; actor: unknown; correlationId: unknown }>;
    expect(history.map((e) => e.type)).toEqual(['CaseOpened', 'CaseClaimed', 'InformationRequested', 'InformationProvided', 'CaseClaimed', 'CaseVerified', 'ItemVerified']);
    expect(history[2]).toMatchObject({ data: { question: QUESTION }, actor: { userId: null, partyId: null, partyType: 'dcc', roles: null }, correlationId: null });
    expect(history[3]).toMatchObject({ data: { answer: ANSWER }, actor: { userId: CSP.userId, partyId: CSP.partyId }, correlationId: expect.any(String) });
    expect(history[5].data).toEqual({ canonical: expect.objectContaining({ make: 'Acme Meters' }), outcome: 'awaiting-agreement' });
    // Never the hints, the verifier, DCC's note, the accountable party, the checks.
    for (const text of [HINTED, VERIFIER.userId, DCC_NOTE, ACME.partyId, 'checks', 'hints', 'assignee', 'sources']) expect(json).not.toContain(text);
  });

  it('shows the provider the question asked of it while the case waits on it', () => {
    const run = CaseRun.item(othersItem(), ACME_PARTY, 'case-7').claim().do(VERIFIER, { type: 'RequestInformation', question: QUESTION });
    expect(seen(CSP, run).view).toMatchObject({ state: 'awaiting-information', asked: { waitingFor: 'information', question: QUESTION, fix: null } });
  });

  it('shows a reporter its report’s case with the rejection reason, never the hints nor the case it duplicates', () => {
    const rejected = CaseRun.report().do(SYSTEM, { type: 'AttachDuplicateHints', flag: hints() }).claim().do(VERIFIER, { type: 'RejectCase', reason: 'No evidence given' });
    const { access, json, view } = seen(SUPPLIER, rejected);
    expect(access).toBe('provider');
    expect(view).toMatchObject({ view: 'provider', state: 'rejected', subject: { kind: 'report', reporterPartyId: SUPPLIER.partyId, description: 'Reboots nightly' } });
    expect((view!.history as Array<{ type: string; data: unknown }>).find((e) => e.type === 'CaseRejected')?.data).toEqual({ reason: 'No evidence given', restoredState: null });
    expect(json).not.toContain(HINTED);
    expect((view!.history as Array<{ type: string }>).map((e) => e.type)).not.toContain('DuplicateHintsAttached');

    const duplicate = CaseRun.report().claim().do(VERIFIER, { type: 'MarkDuplicate', duplicateOf: 'case-7', reason: 'the other report came first' });
    const seenDuplicate = seen(SUPPLIER, duplicate);
    expect(seenDuplicate.view).toMatchObject({ state: 'duplicate' });
    for (const text of ['case-7', 'the other report came first', 'duplicateOf']) expect(seenDuplicate.json).not.toContain(text);
  });

  it('shows the manufacturer a case waiting for its agreement: the verified content and the ask, never who provided it', () => {
    const { access, json, view } = seen(ACME, cspItemAwaitingAgreement());
    expect(access).toBe('accountable-party');
    expect(view).toEqual({
      view: 'accountable-party',
      caseId: 'case-7',
      caseKind: 'item',
      state: 'awaiting-agreement',
      stateSince: ROW.stateSince,
      openedAt: ROW.openedAt,
      verified: {
        content: {
          kind: 'item',
          make: 'ACME meters',
          model: 'x1',
          firmwareVersion: '38040404',
          deviceType: 'ESME',
          source: 'CSP',
          statusOfInformation: 'Fix',
          dateLastUpdated: '2026-02-27',
          fixAvailable: true,
          fixInformation: 'Upgrade to 38040405',
        },
        canonical: catalogue(),
        at: expect.any(String),
      },
      asked: { waitingFor: 'agreement', since: expect.any(String), overdue: false, question: null, fix: null },
      // DCC's verification, without its checks, note or verifier.
      history: [{ streamVersion: 7, type: 'CaseVerified', at: expect.any(String), actor: { userId: null, partyId: null, partyType: 'dcc', roles: null }, correlationId: null, data: { canonical: catalogue(), outcome: 'awaiting-agreement' } }],
    });
    for (const text of [CSP.partyId, HINTED, VERIFIER.userId, DCC_NOTE, QUESTION, ANSWER, 'submissionId', 'contentHash']) expect(json).not.toContain(text);
  });

  it('shows the manufacturer nothing before DCC verified, nor a revision DCC has not verified yet', () => {
    const queued = CaseRun.item(othersItem(), ACME_PARTY, 'case-7');
    expect(seen(ACME, queued).access).toBeNull();
    const revised = cspItemAwaitingAgreement().do(SYSTEM, { type: 'ReviseItem', revision: itemRevised({ providerPartyId: CSP.partyId, identifier: '7', source: 'CSP' }) });
    expect(caseOf(revised).state).toBe('queued');
    expect(seen(ACME, revised).access).toBeNull();
  });

  it('shows the manufacturer its own answers while a fix waits on its confirmation', () => {
    const run = cspItemAwaitingAgreement().do(ACME, { type: 'AgreeInclusion', note: 'Yes, ours' });
    const { access, view, json } = seen(ACME, run);
    expect(access).toBe('accountable-party');
    expect(view).toMatchObject({ state: 'verified', asked: { waitingFor: 'confirmation', fix: { fixId: null, fixInformation: 'Upgrade to 38040405', fixingFirmwareVersion: null } } });
    const history = view!.history as Array<{ type: string; data: unknown; actor: unknown }>;
    expect(history.map((e) => e.type)).toEqual(['CaseVerified', 'InclusionAgreed']);
    expect(history[1]).toMatchObject({ data: { note: 'Yes, ours' }, actor: { partyId: ACME.partyId, userId: ACME.userId } });
    expect(json).not.toContain(CSP.partyId);

    // Once it confirmed, nothing waits on it: the case leaves its view.
    const confirmed = run.do(ACME, { type: 'ConfirmFix', confirmed: true, note: 'bench tested' });
    expect(seen(ACME, confirmed).access).toBeNull();
    // The provider learns its fix is confirmed, not what the manufacturer wrote.
    const provider = seen(CSP, confirmed);
    expect(provider.view).toMatchObject({ fix: { confirmed: true }, published: true });
    expect(provider.json).not.toContain('bench tested');
    expect(provider.json).not.toContain('Yes, ours');
  });

  it('shows nothing to another provider, a manufacturer of another make, SECAS, nor a supplier that is not the reporter', () => {
    const run = cspItemAwaitingAgreement();
    for (const viewer of [OTHER_MFR, OTHER_SUPPLIER, SECAS, SUPPLIER]) expect(caseAccess(viewer, caseOf(run))).toBeNull();
    expect(caseAccess(CSP, caseOf(CaseRun.report()))).toBeNull();
  });

  it('does not take a supplier for the party asked, even were a wait to name it', () => {
    const state = caseOf(cspItemAwaitingAgreement());
    const impostor: Actor = { ...OTHER_SUPPLIER, partyId: ACME.partyId };
    expect(caseAccess(impostor, state)).toBeNull();
  });

  it('restricts a list the same way: DCC all, others their own cases and, for a manufacturer or CSP, those waiting on it', () => {
    const where = (viewer: Actor) => {
      const params: unknown[] = [];
      const sql = visibleCasesWhere(viewer, (value) => {
        params.push(value);
        return `$${params.length}`;
      });
      return { sql, params };
    };
    expect(where(DCC_READER)).toEqual({ sql: 'TRUE', params: [] });
    expect(where(SUPPLIER)).toEqual({ sql: 'provider_party_id = $1', params: [SUPPLIER.partyId] });
    expect(where(ACME)).toEqual({
      sql: "(provider_party_id = $1 OR (waiting_on = $1 AND waiting_for IN ('agreement', 'confirmation')))",
      params: [ACME.partyId],
    });
  });
});
