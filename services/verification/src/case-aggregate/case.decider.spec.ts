import { given } from '@smi/decider';
import {
  Actor,
  CASE_ERRORS,
  CaseCommand,
  caseDecider,
  CaseEvent,
  CaseStateName,
  ItemPublishable,
  ItemVerified,
} from '.';
import {
  ACME,
  ACME_PARTY,
  AT,
  CATALOGUE,
  CaseRun,
  CHECKED,
  command,
  CSP,
  DCC_READER,
  duplicateFlagged,
  FIX_CASE,
  fixProposed,
  ITEM_CASE,
  itemRevised,
  itemSubmitted,
  LATER,
  OTHER_MFR,
  othersItem,
  SUPPLIER,
  SYSTEM,
  VERIFIER,
  VERIFIER_2,
} from './test-support/case-fixtures';

const OTHERS_CASE = 'item-CSP-N-7';

/** Another provider's item about ACME's make: it needs ACME's agreement (R3) and confirmation of its fix (R5). */
const othersRun = () => CaseRun.item(othersItem(), ACME_PARTY, OTHERS_CASE);

function types(events: readonly CaseEvent[]): string[] {
  return events.map((e) => e.type);
}

function decide(run: CaseRun, actor: Actor, body: Parameters<typeof command>[2]): CaseEvent[] {
  return caseDecider.decide(command(run.caseId, actor, body), run.state());
}

function refuses(run: CaseRun, actor: Actor, body: Parameters<typeof command>[2], code: string) {
  return given(caseDecider, run.events).when(command(run.caseId, actor, body)).thenThrows(code);
}

function stateOf(run: CaseRun) {
  const state = run.state();
  if (state.kind !== 'case') throw new Error('no case');
  return state;
}

describe('cases from intake (issue point 1)', () => {
  it('ItemSubmitted opens an item case in the queue, its source the provider and the accountable party as given', () => {
    const open = command(ITEM_CASE, SYSTEM, { type: 'OpenItemCase', item: itemSubmitted(), accountable: ACME_PARTY });
    const [opened] = given(caseDecider, []).when(open).thenMatches((events) => expect(types(events)).toEqual(['CaseOpened']));
    expect(opened).toMatchObject({ caseKind: 'item', accountable: ACME_PARTY, fixReference: 'not-applicable', subject: { kind: 'item', identifier: '42' } });
    const state = stateOf(CaseRun.item());
    expect(state).toMatchObject({ state: 'queued', assignee: null, sources: [{ kind: 'item', caseId: ITEM_CASE, providerPartyId: 'ACME-MFR', identifier: '42' }] });
  });

  it('ItemReported and FixProposed open a report case and a fix case', () => {
    expect(stateOf(CaseRun.report())).toMatchObject({ caseKind: 'report', state: 'queued', subject: { kind: 'report', reportId: 'R-000001' } });
    expect(stateOf(CaseRun.fix())).toMatchObject({ caseKind: 'fix', state: 'queued', proposalFix: { fixId: 'F-000001', confirmation: null } });
  });

  it('a case is opened once', () => {
    refuses(CaseRun.item(), SYSTEM, { type: 'OpenItemCase', item: itemSubmitted(), accountable: ACME_PARTY }, CASE_ERRORS.CASE_EXISTS);
  });

  it('any other command needs the case open', () => {
    given(caseDecider, []).when(command(ITEM_CASE, VERIFIER, { type: 'ClaimCase' })).thenThrows(CASE_ERRORS.CASE_NOT_FOUND);
    given(caseDecider, []).when(command(ITEM_CASE, SYSTEM, { type: 'ReviseItem', revision: itemRevised() })).thenThrows(CASE_ERRORS.CASE_NOT_FOUND);
  });

  it('PossibleDuplicateFlagged attaches its matches as a hint, once', () => {
    const run = CaseRun.item().do(SYSTEM, { type: 'AttachDuplicateHints', flag: duplicateFlagged() });
    expect(stateOf(run).hints).toEqual([{ providerPartyId: 'CSP-N', identifier: '7' }]);
    given(caseDecider, run.events).when(command(ITEM_CASE, SYSTEM, { type: 'AttachDuplicateHints', flag: duplicateFlagged() })).thenNothingHappens();
  });

  describe('ItemRevised', () => {
    it('reopens a verified item for the changed fields; the verified content stays until the revision is verified', () => {
      const run = CaseRun.item().verify();
      const published = stateOf(run).published;
      expect(published).toMatchObject({ firmwareVersion: '38040404' });
      run.do(SYSTEM, { type: 'ReviseItem', revision: itemRevised() }, LATER);
      const reopened = stateOf(run);
      expect(reopened).toMatchObject({ state: 'queued', reopenedFrom: 'verified', subject: { firmwareVersion: '38040406' }, verified: { subject: { firmwareVersion: '38040404' } } });
      expect(reopened.published).toEqual(published);
      expect(run.events.find((e) => e.type === 'RevisionReceived')).toMatchObject({ changes: [{ field: 'firmwareVersion', from: '38040404', to: '38040406' }], reopenedFrom: 'verified' });

      run.verify();
      const last = run.events.slice(-3);
      expect(types(last)).toEqual(['CaseVerified', 'ItemVerified', 'ItemPublishable']);
      expect((last[2] as ItemPublishable).item.firmwareVersion).toBe('38040406');
      expect((last[2] as ItemPublishable).version).toBe(4);
    });

    it('a rejected revision returns the case to where it was with the verified content, and withdraws nothing', () => {
      const run = CaseRun.item().verify().do(SYSTEM, { type: 'ReviseItem', revision: itemRevised() }, LATER).claim();
      const events = decide(run, VERIFIER, { type: 'RejectCase', reason: 'firmware 38040406 does not exist' });
      expect(types(events)).toEqual(['CaseRejected']);
      expect(events[0]).toMatchObject({ restoredState: 'verified', reason: 'firmware 38040406 does not exist' });
      run.do(VERIFIER, { type: 'RejectCase', reason: 'firmware 38040406 does not exist' });
      expect(stateOf(run)).toMatchObject({ state: 'verified', subject: { firmwareVersion: '38040404' }, reopenedFrom: null });
      expect(stateOf(run).published).not.toBeNull();
    });

    it('a revision while claimed keeps the verifier; while waiting for information it answers and returns to the queue', () => {
      const claimed = CaseRun.item().claim().do(SYSTEM, { type: 'ReviseItem', revision: itemRevised() });
      expect(stateOf(claimed)).toMatchObject({ state: 'claimed', assignee: VERIFIER.userId, reopenedFrom: null });
      const waiting = CaseRun.item().claim().do(VERIFIER, { type: 'RequestInformation', question: 'Which firmware?' }).do(SYSTEM, { type: 'ReviseItem', revision: itemRevised() });
      expect(stateOf(waiting)).toMatchObject({ state: 'queued', question: null, wait: null });
    });

    it('the same content again records nothing; a revision of another item or of a report is refused', () => {
      const run = CaseRun.item().do(SYSTEM, { type: 'ReviseItem', revision: itemRevised() });
      given(caseDecider, run.events).when(command(ITEM_CASE, SYSTEM, { type: 'ReviseItem', revision: itemRevised() })).thenNothingHappens();
      refuses(CaseRun.item(), SYSTEM, { type: 'ReviseItem', revision: itemRevised({ identifier: '43' }) }, CASE_ERRORS.INVALID_COMMAND);
      refuses(CaseRun.report(), SYSTEM, { type: 'ReviseItem', revision: itemRevised() }, CASE_ERRORS.CASE_KIND_CONFLICT);
    });
  });
});

describe('the accountable party (issue point 2)', () => {
  it('with none registered, agreement and confirmation are blocked until DCC registers one', () => {
    const run = CaseRun.item(othersItem(), null, OTHERS_CASE).verify();
    expect(stateOf(run)).toMatchObject({ state: 'awaiting-agreement', wait: null });
    refuses(run, ACME, { type: 'AgreeInclusion' }, CASE_ERRORS.ACCOUNTABLE_PARTY_MISSING);
    refuses(run, ACME, { type: 'ConfirmFix', confirmed: true }, CASE_ERRORS.ACCOUNTABLE_PARTY_MISSING);
    run.do(SYSTEM, { type: 'AssignAccountableParty', accountable: ACME_PARTY }, LATER);
    expect(stateOf(run)).toMatchObject({ accountable: ACME_PARTY, wait: { partyId: 'ACME-MFR', waitingFor: 'agreement', since: LATER, overdue: false } });
    expect(types(decide(run, ACME, { type: 'AgreeInclusion' }))).toEqual(['InclusionAgreed']);
    given(caseDecider, run.events).when(command(OTHERS_CASE, SYSTEM, { type: 'AssignAccountableParty', accountable: ACME_PARTY })).thenNothingHappens();
  });

  it('a provider registered later as the make party makes its items its own declaration', () => {
    const run = CaseRun.item(itemSubmitted(), null).verify();
    expect(stateOf(run).state).toBe('awaiting-agreement');
    run.do(SYSTEM, { type: 'AssignAccountableParty', accountable: ACME_PARTY });
    refuses(run, OTHER_MFR, { type: 'AgreeInclusion' }, CASE_ERRORS.FORBIDDEN_NOT_ACCOUNTABLE_PARTY);
    expect(types(decide(run, ACME, { type: 'AgreeInclusion' }))).toEqual(['InclusionAgreed', 'ItemPublishable']);
  });
});

describe('the DCC workflow (issue point 3)', () => {
  it('a verifier claims and releases; only DCC verifiers act, other DCC users read only', () => {
    const run = CaseRun.item();
    refuses(run, DCC_READER, { type: 'ClaimCase' }, CASE_ERRORS.FORBIDDEN_NOT_VERIFIER);
    refuses(run, ACME, { type: 'ClaimCase' }, CASE_ERRORS.FORBIDDEN_NOT_VERIFIER);
    run.claim();
    expect(stateOf(run)).toMatchObject({ state: 'claimed', assignee: VERIFIER.userId });
    given(caseDecider, run.events).when(command(ITEM_CASE, VERIFIER, { type: 'ClaimCase' })).thenNothingHappens();
    const conflict = refuses(run, VERIFIER_2, { type: 'ClaimCase' }, CASE_ERRORS.CASE_CLAIM_CONFLICT);
    expect(conflict.details).toEqual({ state: 'claimed', assignee: VERIFIER.userId });
    refuses(run, VERIFIER_2, { type: 'VerifyCase', checks: CHECKED, catalogue: CATALOGUE }, CASE_ERRORS.CASE_CLAIM_CONFLICT);
    run.do(VERIFIER_2, { type: 'ReleaseCase', reason: 'on leave' });
    expect(run.events[run.events.length - 1]).toMatchObject({ type: 'CaseReleased', assignee: VERIFIER.userId, reason: 'on leave', actor: VERIFIER_2 });
    expect(stateOf(run)).toMatchObject({ state: 'queued', assignee: null });
  });

  it('a question makes the case wait on the provider, whose answer returns it to the queue', () => {
    const run = CaseRun.item().claim();
    refuses(run, VERIFIER, { type: 'RequestInformation', question: '  ' }, CASE_ERRORS.INVALID_COMMAND);
    run.do(VERIFIER, { type: 'RequestInformation', question: 'Which hardware revision?' });
    expect(stateOf(run)).toMatchObject({ state: 'awaiting-information', question: 'Which hardware revision?', wait: { partyId: 'ACME-MFR', waitingFor: 'information', chased: true } });
    refuses(run, CSP, { type: 'ProvideInformation', answer: 'B' }, CASE_ERRORS.FORBIDDEN_NOT_PROVIDER);
    refuses(run, ACME, { type: 'ProvideInformation', answer: '' }, CASE_ERRORS.INVALID_COMMAND);
    run.do(ACME, { type: 'ProvideInformation', answer: 'Revision B' });
    expect(run.events[run.events.length - 1]).toMatchObject({ type: 'InformationProvided', answer: 'Revision B', actor: ACME });
    expect(stateOf(run)).toMatchObject({ state: 'queued', question: null, wait: null });
  });

  it('verify records what was checked and the canonical make and model; a missing catalogue entry or check is refused', () => {
    const run = CaseRun.item().claim();
    const make = refuses(run, VERIFIER, { type: 'VerifyCase', checks: CHECKED, catalogue: { missing: 'make' } }, CASE_ERRORS.CATALOGUE_MAKE_MISSING);
    expect(make.details).toEqual({ missing: 'make' });
    refuses(run, VERIFIER, { type: 'VerifyCase', checks: CHECKED, catalogue: { missing: 'model' } }, CASE_ERRORS.CATALOGUE_MODEL_MISSING);
    const unchecked = refuses(run, VERIFIER, { type: 'VerifyCase', checks: { ...CHECKED, fixReference: false, presentation: false }, catalogue: CATALOGUE }, CASE_ERRORS.INVALID_CHECKS);
    expect(unchecked.details).toEqual({ unchecked: ['fixReference', 'presentation'] });
    // A report has no fix, so there is no fix reference to check.
    const report = CaseRun.report().claim();
    expect(types(decide(report, VERIFIER, { type: 'VerifyCase', checks: { ...CHECKED, fixReference: false }, catalogue: CATALOGUE }))).toEqual(['CaseVerified', 'ItemVerified']);
    const [verified] = decide(run, VERIFIER, { type: 'VerifyCase', checks: CHECKED, note: 'matches the 2026 list', catalogue: { makeId: 'm', make: 'Acme Meters', modelId: 'x', model: 'X1' } });
    expect(verified).toMatchObject({
      type: 'CaseVerified',
      checks: CHECKED,
      note: 'matches the 2026 list',
      canonical: { makeId: 'm', make: 'Acme Meters', manufacturerId: null, modelId: 'x', model: 'X1', smiModelId: null },
      outcome: 'verified',
    });
  });

  it('reject gives a reason the provider can read', () => {
    const run = CaseRun.item().claim();
    refuses(run, VERIFIER, { type: 'RejectCase', reason: '' }, CASE_ERRORS.INVALID_COMMAND);
    run.do(VERIFIER, { type: 'RejectCase', reason: 'Model X1 has no firmware 38040404' });
    expect(run.events[run.events.length - 1]).toMatchObject({ type: 'CaseRejected', reason: 'Model X1 has no firmware 38040404', restoredState: null, actor: VERIFIER });
    expect(stateOf(run).state).toBe('rejected');
  });

  it('a duplicate is never published, and hands its sources to the surviving case', () => {
    const duplicate = othersRun().claim();
    refuses(duplicate, VERIFIER, { type: 'MarkDuplicate', duplicateOf: OTHERS_CASE, reason: 'same' }, CASE_ERRORS.INVALID_COMMAND);
    duplicate.do(VERIFIER, { type: 'MarkDuplicate', duplicateOf: ITEM_CASE, reason: 'same item as ACME 42' });
    const marked = duplicate.events[duplicate.events.length - 1];
    expect(marked).toMatchObject({ type: 'CaseMarkedDuplicate', duplicateOf: ITEM_CASE, sources: [{ kind: 'item', caseId: OTHERS_CASE }] });
    expect(stateOf(duplicate).state).toBe('duplicate');

    const survivor = CaseRun.item().verify();
    const sources = (marked as Extract<CaseEvent, { type: 'CaseMarkedDuplicate' }>).sources;
    const merged = decide(survivor, VERIFIER, { type: 'MergeSources', fromCaseId: OTHERS_CASE, sources });
    expect(types(merged)).toEqual(['SourcesMerged', 'ItemPublishable']);
    expect((merged[1] as ItemPublishable).item.sources.map((s) => s.caseId)).toEqual([ITEM_CASE, OTHERS_CASE]);
    survivor.do(VERIFIER, { type: 'MergeSources', fromCaseId: OTHERS_CASE, sources });
    given(caseDecider, survivor.events).when(command(ITEM_CASE, VERIFIER, { type: 'MergeSources', fromCaseId: OTHERS_CASE, sources })).thenNothingHappens();
  });

  it('a published item is withdrawn before it is marked a duplicate', () => {
    const run = CaseRun.item().verify().do(SYSTEM, { type: 'ReviseItem', revision: itemRevised() }).claim();
    const refusal = refuses(run, VERIFIER, { type: 'MarkDuplicate', duplicateOf: OTHERS_CASE, reason: 'same' }, CASE_ERRORS.CASE_STATE_CONFLICT);
    expect(refusal.details).toEqual({ state: 'claimed', published: true });
  });

  it('withdrawing a published item records ItemWithdrawn with the next version; an unpublished one is a conflict', () => {
    const run = CaseRun.item().verify();
    const events = decide(run, VERIFIER, { type: 'WithdrawItem', reason: 'manufacturer recalled the fix' });
    expect(events).toEqual([
      expect.objectContaining({ type: 'ItemWithdrawn', version: 3, reason: 'manufacturer recalled the fix', item: stateOf(run).published, actor: VERIFIER }),
    ]);
    const unpublished = othersRun().verify();
    expect(refuses(unpublished, VERIFIER, { type: 'WithdrawItem', reason: 'x' }, CASE_ERRORS.CASE_STATE_CONFLICT).details).toEqual({ state: 'awaiting-agreement', published: false });
  });

  it('every event carries the actor, the correlation id and the time', () => {
    const open = command(ITEM_CASE, SYSTEM, { type: 'OpenItemCase', item: itemSubmitted(), accountable: ACME_PARTY });
    const history = caseDecider.decide(open, caseDecider.initialState());
    const claim = command(ITEM_CASE, VERIFIER, { type: 'ClaimCase' });
    const [claimed] = given(caseDecider, history).when(claim).thenMatches(() => undefined);
    expect(claimed).toMatchObject({ caseId: ITEM_CASE, actor: VERIFIER, correlationId: claim.correlationId, at: AT });
  });
});

describe('input', () => {
  it('free text is stored as given, up to 4,000 characters', () => {
    const run = CaseRun.item().claim();
    const question = ' =SUM(A1) <b>as given</b> ';
    expect(decide(run, VERIFIER, { type: 'RequestInformation', question })[0]).toMatchObject({ question });
    const tooLong = refuses(run, VERIFIER, { type: 'RequestInformation', question: 'x'.repeat(4001) }, CASE_ERRORS.INVALID_COMMAND);
    expect(tooLong.details).toEqual({ field: 'question' });
  });

  it('an unknown command, or a chasing day that is not a day, is refused', () => {
    refuses(CaseRun.item(), VERIFIER, { type: 'Publish' } as unknown as Parameters<typeof command>[2], CASE_ERRORS.INVALID_COMMAND);
    const overdue = refuses(CaseRun.item(), SYSTEM, { type: 'MarkResponseOverdue', today: '30/03/2026', waitingSince: AT, overdueFrom: '2026-03-24' }, CASE_ERRORS.INVALID_COMMAND);
    expect(overdue.details).toEqual({ field: 'today' });
  });
});

describe('R3, agreement (issue point 5)', () => {
  it("an item its accountable party did not declare waits on that party's agreement after DCC verifies it", () => {
    const run = othersRun().verify();
    expect(run.events.find((e) => e.type === 'CaseVerified')).toMatchObject({ outcome: 'awaiting-agreement' });
    expect(stateOf(run)).toMatchObject({ state: 'awaiting-agreement', wait: { partyId: 'ACME-MFR', waitingFor: 'agreement' } });
    refuses(run, CSP, { type: 'AgreeInclusion' }, CASE_ERRORS.FORBIDDEN_NOT_ACCOUNTABLE_PARTY);
    refuses(run, VERIFIER, { type: 'AgreeInclusion' }, CASE_ERRORS.FORBIDDEN_NOT_ACCOUNTABLE_PARTY);
    run.do(ACME, { type: 'AgreeInclusion', note: 'confirmed on our side' });
    // Agreed, verified, but its fix (in the CSP's row) is not confirmed yet: it waits on ACME for that.
    expect(stateOf(run)).toMatchObject({ state: 'verified', inclusion: { status: 'agreed' }, wait: { waitingFor: 'confirmation' } });
  });

  it("a manufacturer's own declaration needs no separate agreement", () => {
    const run = CaseRun.item().verify();
    expect(types(run.events)).toEqual(['CaseOpened', 'CaseClaimed', 'CaseVerified', 'ItemVerified', 'ItemPublishable']);
  });

  it('a SEC Party report always needs the agreement', () => {
    expect(stateOf(CaseRun.report().verify()).state).toBe('awaiting-agreement');
  });

  it('a dispute (with a reason) returns the case to DCC, who closes it as not included', () => {
    const run = othersRun().verify();
    refuses(run, ACME, { type: 'DisputeInclusion', reason: ' ' }, CASE_ERRORS.INVALID_COMMAND);
    run.do(ACME, { type: 'DisputeInclusion', reason: 'that firmware was never shipped' });
    expect(stateOf(run)).toMatchObject({ state: 'disputed', wait: null, inclusion: { status: 'disputed', partyId: 'ACME-MFR', reason: 'that firmware was never shipped' } });
    refuses(run, ACME, { type: 'CloseNotIncluded', reason: 'x' }, CASE_ERRORS.FORBIDDEN_NOT_VERIFIER);
    run.do(VERIFIER, { type: 'CloseNotIncluded', reason: 'agreed with ACME' });
    expect(stateOf(run).state).toBe('closed-not-included');
  });

  it('or includes it with the dispute kept on the record', () => {
    const run = othersRun().verify().do(ACME, { type: 'DisputeInclusion', reason: 'never shipped' });
    run.do(VERIFIER, { type: 'IncludeDespiteDispute', reason: 'three suppliers saw it in the field' });
    expect(run.events[run.events.length - 1]).toMatchObject({ type: 'IncludedDespiteDispute', dispute: { partyId: 'ACME-MFR', reason: 'never shipped' } });
    run.do(ACME, { type: 'ConfirmFix', confirmed: true, fixingFirmwareVersion: '38040405' });
    const publishable = run.events[run.events.length - 1] as ItemPublishable;
    expect(publishable.type).toBe('ItemPublishable');
    expect(publishable.item).toMatchObject({ inclusion: 'included-despite-dispute', dispute: { partyId: 'ACME-MFR', reason: 'never shipped' } });
  });
});

describe('R5, fix confirmation (issue point 6)', () => {
  it("a fix in a provider's own row is confirmed by that submission", () => {
    const run = CaseRun.item().verify();
    const publishable = run.events[run.events.length - 1] as ItemPublishable;
    expect(publishable.item.fix).toEqual({
      fixId: null,
      origin: 'submission',
      proposerPartyId: 'ACME-MFR',
      fixingFirmwareVersion: null,
      fixInformation: 'Upgrade to 38040405',
      confirmation: { via: 'own-submission', partyId: 'ACME-MFR', userId: null, note: null, confirmedAt: AT },
    });
  });

  it("the fix in another provider's row needs the accountable party's confirmation", () => {
    const run = othersRun().verify().do(ACME, { type: 'AgreeInclusion' });
    expect(types(run.events)).not.toContain('ItemPublishable');
    refuses(run, CSP, { type: 'ConfirmFix', confirmed: true }, CASE_ERRORS.FORBIDDEN_NOT_ACCOUNTABLE_PARTY);
    const events = decide(run, ACME, { type: 'ConfirmFix', confirmed: true, fixingFirmwareVersion: '38040405', note: 'tested' });
    expect(types(events)).toEqual(['FixConfirmed', 'ItemPublishable']);
    expect((events[1] as ItemPublishable).item.fix).toMatchObject({ fixingFirmwareVersion: '38040405', confirmation: { via: 'confirmation', partyId: 'ACME-MFR', userId: 'acme-user', note: 'tested' } });
  });

  it('a confirmation may come before DCC verifies; the same confirmation again records nothing', () => {
    const run = othersRun().do(ACME, { type: 'ConfirmFix', confirmed: true });
    given(caseDecider, run.events).when(command(OTHERS_CASE, ACME, { type: 'ConfirmFix', confirmed: true })).thenNothingHappens();
    run.verify().do(ACME, { type: 'AgreeInclusion' });
    expect(types(run.events).slice(-2)).toEqual(['InclusionAgreed', 'ItemPublishable']);
  });

  it('a revision that changes the Fix Information needs a new confirmation', () => {
    const run = othersRun().verify().do(ACME, { type: 'AgreeInclusion' }).do(ACME, { type: 'ConfirmFix', confirmed: true });
    run.do(SYSTEM, { type: 'ReviseItem', revision: itemRevised({ providerPartyId: CSP.partyId, identifier: '7', source: 'CSP', firmwareVersion: '38040404', fixInformation: 'Upgrade to 38040407' }) });
    run.verify();
    expect(types(run.events).slice(-2)).toEqual(['CaseVerified', 'ItemVerified']);
    expect(stateOf(run).wait).toMatchObject({ waitingFor: 'confirmation' });
  });

  it('the accountable party may decline, with a note; the case stops waiting on it', () => {
    const run = othersRun().verify().do(ACME, { type: 'AgreeInclusion' });
    refuses(run, ACME, { type: 'ConfirmFix', confirmed: false }, CASE_ERRORS.INVALID_COMMAND);
    run.do(ACME, { type: 'ConfirmFix', confirmed: false, note: 'does not fix it' });
    expect(run.events[run.events.length - 1]).toMatchObject({ type: 'FixDeclined', fixId: null, note: 'does not fix it' });
    expect(stateOf(run).wait).toBeNull();
    given(caseDecider, run.events).when(command(OTHERS_CASE, ACME, { type: 'ConfirmFix', confirmed: false, note: 'still no' })).thenNothingHappens();
    // Asked again, it may still confirm.
    expect(types(decide(run, ACME, { type: 'ConfirmFix', confirmed: true }))).toEqual(['FixConfirmed', 'ItemPublishable']);
  });

  it('a confirmed fix cannot be declined afterwards, and a fixing firmware version is at most 64 characters', () => {
    const run = othersRun().do(ACME, { type: 'ConfirmFix', confirmed: true });
    expect(refuses(run, ACME, { type: 'ConfirmFix', confirmed: false, note: 'changed our mind' }, CASE_ERRORS.FIX_CONFIRMATION_CONFLICT).details).toEqual({
      state: 'queued',
      confirmation: 'confirmation',
    });
    refuses(CaseRun.item(), ACME, { type: 'ConfirmFix', confirmed: false, note: 'no' }, CASE_ERRORS.FIX_CONFIRMATION_CONFLICT);
    expect(refuses(othersRun(), ACME, { type: 'ConfirmFix', confirmed: true, fixingFirmwareVersion: 'x'.repeat(65) }, CASE_ERRORS.INVALID_COMMAND).details).toEqual({
      field: 'fixingFirmwareVersion',
    });
  });

  it('a case without a fix has nothing to confirm', () => {
    refuses(CaseRun.report(), ACME, { type: 'ConfirmFix', confirmed: true }, CASE_ERRORS.FIX_MISSING);
  });

  it('a fix proposal for a device is verified by DCC, confirmed by the accountable party, and then publishable', () => {
    const run = CaseRun.fix().verify();
    expect(stateOf(run)).toMatchObject({ state: 'verified', wait: { partyId: 'ACME-MFR', waitingFor: 'confirmation' } });
    run.do(ACME, { type: 'ConfirmFix', confirmed: true, note: 'yes' });
    const publishable = run.events[run.events.length - 1] as ItemPublishable;
    expect(publishable).toMatchObject({ type: 'ItemPublishable', item: { caseKind: 'fix', statusOfInformation: 'Fix', fixAvailable: true, fix: { fixId: 'F-000001', fixingFirmwareVersion: '38040405' } } });
  });

  it("a fix proposed by the accountable party itself is confirmed by its proposal", () => {
    const run = CaseRun.fix(fixProposed({ proposerPartyId: ACME.partyId, proposerPartyType: 'manufacturer', source: 'Device Manufacturer' })).verify();
    const publishable = run.events[run.events.length - 1] as ItemPublishable;
    expect(publishable.item.fix?.confirmation).toMatchObject({ via: 'own-proposal', partyId: 'ACME-MFR' });
  });

  it("a fix for an item never submitted is flagged and blocks verification until resolved", () => {
    const target = { kind: 'item' as const, providerPartyId: 'ACME-MFR', identifier: '99' };
    const run = CaseRun.fix(fixProposed({ target, make: null, model: null, firmwareVersion: null, deviceType: null }), ACME_PARTY, false);
    expect(run.events[0]).toMatchObject({ type: 'CaseOpened', fixReference: 'unresolved' });
    run.claim();
    const refusal = refuses(run, VERIFIER, { type: 'VerifyCase', checks: CHECKED, catalogue: CATALOGUE }, CASE_ERRORS.FIX_REFERENCE_UNRESOLVED);
    expect(refusal.details).toEqual({ fixReference: 'unresolved' });
    // Said before a catalogue miss: such a fix has no make to match until the reference is settled.
    refuses(run, VERIFIER, { type: 'VerifyCase', checks: CHECKED, catalogue: { missing: 'make' } }, CASE_ERRORS.FIX_REFERENCE_UNRESOLVED);
    refuses(run, VERIFIER, { type: 'ResolveFixReference', resolution: 'verifier' }, CASE_ERRORS.INVALID_COMMAND);
    refuses(run, ACME, { type: 'ResolveFixReference', resolution: 'verifier', note: 'x' }, CASE_ERRORS.FORBIDDEN_NOT_VERIFIER);
    run.do(SYSTEM, { type: 'ResolveFixReference', resolution: 'item-submitted' });
    given(caseDecider, run.events).when(command(FIX_CASE, SYSTEM, { type: 'ResolveFixReference', resolution: 'item-submitted' })).thenNothingHappens();
    refuses(run, VERIFIER, { type: 'ResolveFixReference', resolution: 'verifier', note: 'x' }, CASE_ERRORS.CASE_STATE_CONFLICT);
    // Verified and confirmed, a fix for an item is accepted for the item's case to attach; it is no item itself.
    run.do(VERIFIER, { type: 'VerifyCase', checks: CHECKED, catalogue: CATALOGUE });
    const accepted = decide(run, ACME, { type: 'ConfirmFix', confirmed: true });
    expect(types(accepted)).toEqual(['FixConfirmed', 'FixAccepted']);
    const fix = (accepted[1] as Extract<CaseEvent, { type: 'FixAccepted' }>).fix;
    expect(accepted[1]).toMatchObject({ fixId: 'F-000001', target });

    const item = CaseRun.report().verify().do(ACME, { type: 'AgreeInclusion' });
    expect(types(item.events)).not.toContain('ItemPublishable');
    const attached = decide(item, SYSTEM, { type: 'AttachFix', fix });
    expect(types(attached)).toEqual(['FixAttached', 'ItemPublishable']);
    expect((attached[1] as ItemPublishable).item).toMatchObject({ fixAvailable: true, fixInformation: 'Upgrade to 38040405', fix: { fixId: 'F-000001', origin: 'proposal' } });
    item.do(SYSTEM, { type: 'AttachFix', fix });
    given(caseDecider, item.events).when(command(item.caseId, SYSTEM, { type: 'AttachFix', fix })).thenNothingHappens();
    refuses(item, SYSTEM, { type: 'AttachFix', fix: { ...fix, fixId: 'F-000002', confirmation: null } }, CASE_ERRORS.INVALID_COMMAND);
    refuses(run, SYSTEM, { type: 'AttachFix', fix }, CASE_ERRORS.CASE_KIND_CONFLICT);
  });
});

describe('chasing (issue point 7)', () => {
  const overdue = (run: CaseRun, today: string, waitingSince = stateOf(run).wait?.since ?? '') =>
    decide(run, SYSTEM, { type: 'MarkResponseOverdue', today, waitingSince, overdueFrom: '2026-03-24' });

  it('a wait on a manufacturer or CSP becomes overdue once, from the day given', () => {
    const run = othersRun().verify();
    expect(overdue(run, '2026-03-23')).toEqual([]);
    const events = overdue(run, '2026-03-24');
    expect(events).toEqual([expect.objectContaining({ type: 'PartyResponseOverdue', waitingOn: 'ACME-MFR', waitingFor: 'agreement', waitingSince: AT, overdueFrom: '2026-03-24' })]);
    run.do(SYSTEM, { type: 'MarkResponseOverdue', today: '2026-03-24', waitingSince: AT, overdueFrom: '2026-03-24' });
    expect(overdue(run, '2026-03-30')).toEqual([]);
    // A new wait (for the fix confirmation after agreeing) can be chased again.
    run.do(ACME, { type: 'AgreeInclusion' }, LATER);
    expect(stateOf(run).wait).toMatchObject({ waitingFor: 'confirmation', since: LATER, overdue: false });
    expect(types(overdue(run, '2026-03-30'))).toEqual(['PartyResponseOverdue']);
  });

  it('a stale read of the wait, a case not waiting, and a supplier asked for information are not chased', () => {
    const run = othersRun().verify();
    expect(overdue(run, '2026-03-30', '2026-01-01T00:00:00.000Z')).toEqual([]);
    expect(decide(CaseRun.item(), SYSTEM, { type: 'MarkResponseOverdue', today: '2026-03-30', waitingSince: AT, overdueFrom: '2026-03-24' })).toEqual([]);
    const report = CaseRun.report().claim().do(VERIFIER, { type: 'RequestInformation', question: 'Which site?' });
    expect(stateOf(report).wait).toMatchObject({ partyId: 'SUPPLIER-A', chased: false });
    expect(overdue(report, '2026-03-30')).toEqual([]);
  });
});

describe('publishable (issue point 8)', () => {
  it('ItemVerified and ItemPublishable carry the whole item in canonical form, with a version per item', () => {
    const run = CaseRun.item().do(SYSTEM, { type: 'AttachDuplicateHints', flag: duplicateFlagged() }).verify();
    const [verified, publishable] = run.events.slice(-2) as [ItemVerified, ItemPublishable];
    const item = {
      caseId: ITEM_CASE,
      caseKind: 'item',
      identifier: '42',
      canonical: { makeId: 'make-acme', make: 'Acme Meters', manufacturerId: '10A3', modelId: 'model-x1', model: 'X1', smiModelId: '00050203' },
      submittedMake: 'ACME meters',
      submittedModel: 'x1',
      firmwareVersion: '38040404',
      deviceType: 'ESME',
      source: 'Device Manufacturer',
      statusOfInformation: 'Fix',
      dateLastUpdated: '2026-02-27',
      fixAvailable: true,
      fixInformation: 'Upgrade to 38040405',
      accountable: ACME_PARTY,
      inclusion: 'own-declaration',
      dispute: null,
      fix: publishable.item.fix,
      sources: [{ kind: 'item', caseId: ITEM_CASE, providerPartyId: 'ACME-MFR', identifier: '42', source: 'Device Manufacturer' }],
      verifiedAt: AT,
      verifiedBy: VERIFIER.userId,
    };
    expect(verified).toMatchObject({ type: 'ItemVerified', version: 1, item });
    expect(publishable).toMatchObject({ type: 'ItemPublishable', version: 2, item });
    expect(stateOf(run)).toMatchObject({ version: 2, published: item });
  });

  it('an item without a fix is verified but not publishable', () => {
    const run = CaseRun.item(itemSubmitted({ fixAvailable: false, fixInformation: null, statusOfInformation: 'Defect' })).verify();
    expect(types(run.events).slice(-2)).toEqual(['CaseVerified', 'ItemVerified']);
    expect(stateOf(run)).toMatchObject({ state: 'verified', wait: null, published: null });
  });

  it('a withdrawn item revised and verified again is published with a later version', () => {
    const run = CaseRun.item().verify().do(VERIFIER, { type: 'WithdrawItem', reason: 'recalled' });
    run.do(SYSTEM, { type: 'ReviseItem', revision: itemRevised() }).verify();
    expect(run.events.filter((e) => 'version' in e).map((e) => [e.type, (e as ItemVerified).version])).toEqual([
      ['ItemVerified', 1],
      ['ItemPublishable', 2],
      ['ItemWithdrawn', 3],
      ['ItemVerified', 4],
      ['ItemPublishable', 5],
    ]);
  });
});

/*
 * The state × action matrix: every action in every state of another provider's item, which passes through
 * every state. An action is accepted in the states listed, answers "nothing" where it is a harmless repeat,
 * and is refused 409 CASE_STATE_CONFLICT naming the state everywhere else; a wrong party is refused 403 in
 * every state, before the state is looked at.
 */
type MatrixState = CaseStateName | 'published';

const HISTORIES: Record<MatrixState, () => CaseRun> = {
  queued: () => othersRun(),
  claimed: () => othersRun().claim(),
  'awaiting-information': () => othersRun().claim().do(VERIFIER, { type: 'RequestInformation', question: 'Which revision?' }),
  'awaiting-agreement': () => othersRun().verify(),
  disputed: () => othersRun().verify().do(ACME, { type: 'DisputeInclusion', reason: 'never shipped' }),
  verified: () => othersRun().verify().do(ACME, { type: 'AgreeInclusion' }),
  published: () => othersRun().verify().do(ACME, { type: 'AgreeInclusion' }).do(ACME, { type: 'ConfirmFix', confirmed: true }),
  rejected: () => othersRun().claim().do(VERIFIER, { type: 'RejectCase', reason: 'wrong' }),
  duplicate: () => othersRun().claim().do(VERIFIER, { type: 'MarkDuplicate', duplicateOf: ITEM_CASE, reason: 'same' }),
  withdrawn: () => HISTORIES.published().do(VERIFIER, { type: 'WithdrawItem', reason: 'recalled' }),
  'closed-not-included': () => HISTORIES.disputed().do(VERIFIER, { type: 'CloseNotIncluded', reason: 'agreed' }),
};
const MATRIX_STATES = Object.keys(HISTORIES) as MatrixState[];

interface Action {
  name: string;
  actor: Actor;
  body: Parameters<typeof command>[2];
  /** Accepted in these states, with the first event it records. */
  accepted: Partial<Record<MatrixState, string>>;
  nothing?: MatrixState[];
  wrongActor: Actor;
  forbidden: string;
}

const OPEN_STATES: MatrixState[] = ['queued', 'claimed', 'awaiting-information', 'awaiting-agreement', 'disputed', 'verified'];

const ACTIONS: Action[] = [
  { name: 'claim', actor: VERIFIER, body: { type: 'ClaimCase' }, accepted: { queued: 'CaseClaimed' }, nothing: ['claimed'], wrongActor: DCC_READER, forbidden: 'FORBIDDEN_NOT_VERIFIER' },
  { name: 'release', actor: VERIFIER, body: { type: 'ReleaseCase' }, accepted: { claimed: 'CaseReleased' }, wrongActor: ACME, forbidden: 'FORBIDDEN_NOT_VERIFIER' },
  {
    name: 'request information',
    actor: VERIFIER,
    body: { type: 'RequestInformation', question: 'Which?' },
    accepted: { claimed: 'InformationRequested' },
    wrongActor: DCC_READER,
    forbidden: 'FORBIDDEN_NOT_VERIFIER',
  },
  {
    name: 'answer',
    actor: CSP,
    body: { type: 'ProvideInformation', answer: 'B' },
    accepted: { 'awaiting-information': 'InformationProvided' },
    wrongActor: ACME,
    forbidden: 'FORBIDDEN_NOT_PROVIDER',
  },
  {
    name: 'verify',
    actor: VERIFIER,
    body: { type: 'VerifyCase', checks: CHECKED, catalogue: CATALOGUE },
    accepted: { claimed: 'CaseVerified' },
    wrongActor: SUPPLIER,
    forbidden: 'FORBIDDEN_NOT_VERIFIER',
  },
  { name: 'agree', actor: ACME, body: { type: 'AgreeInclusion' }, accepted: { 'awaiting-agreement': 'InclusionAgreed' }, wrongActor: OTHER_MFR, forbidden: 'FORBIDDEN_NOT_ACCOUNTABLE_PARTY' },
  {
    name: 'dispute',
    actor: ACME,
    body: { type: 'DisputeInclusion', reason: 'no' },
    accepted: { 'awaiting-agreement': 'InclusionDisputed' },
    wrongActor: CSP,
    forbidden: 'FORBIDDEN_NOT_ACCOUNTABLE_PARTY',
  },
  {
    name: 'close not included',
    actor: VERIFIER,
    body: { type: 'CloseNotIncluded', reason: 'agreed' },
    accepted: { disputed: 'CaseClosedNotIncluded' },
    wrongActor: ACME,
    forbidden: 'FORBIDDEN_NOT_VERIFIER',
  },
  {
    name: 'include despite dispute',
    actor: VERIFIER,
    body: { type: 'IncludeDespiteDispute', reason: 'seen in the field' },
    accepted: { disputed: 'IncludedDespiteDispute' },
    wrongActor: ACME,
    forbidden: 'FORBIDDEN_NOT_VERIFIER',
  },
  { name: 'reject', actor: VERIFIER, body: { type: 'RejectCase', reason: 'wrong' }, accepted: { claimed: 'CaseRejected' }, wrongActor: CSP, forbidden: 'FORBIDDEN_NOT_VERIFIER' },
  {
    name: 'mark duplicate',
    actor: VERIFIER,
    body: { type: 'MarkDuplicate', duplicateOf: ITEM_CASE, reason: 'same' },
    accepted: { claimed: 'CaseMarkedDuplicate' },
    wrongActor: DCC_READER,
    forbidden: 'FORBIDDEN_NOT_VERIFIER',
  },
  { name: 'withdraw', actor: VERIFIER, body: { type: 'WithdrawItem', reason: 'recalled' }, accepted: { published: 'ItemWithdrawn' }, wrongActor: ACME, forbidden: 'FORBIDDEN_NOT_VERIFIER' },
  {
    name: 'confirm the fix',
    actor: ACME,
    body: { type: 'ConfirmFix', confirmed: true },
    accepted: Object.fromEntries(OPEN_STATES.map((s) => [s, 'FixConfirmed'])),
    nothing: ['published'],
    wrongActor: CSP,
    forbidden: 'FORBIDDEN_NOT_ACCOUNTABLE_PARTY',
  },
];

describe('state × action matrix', () => {
  it('the histories reach the states they are named for', () => {
    for (const name of MATRIX_STATES) {
      const state = stateOf(HISTORIES[name]());
      expect([name, state.state, state.published !== null]).toEqual([name, name === 'published' ? 'verified' : name, name === 'published']);
    }
  });

  const cells = ACTIONS.flatMap((action) => MATRIX_STATES.map((state) => [action.name, state, action] as const));

  it.each(cells)('%s in state %s', (_name, state, action) => {
    const run = HISTORIES[state]();
    const when = given(caseDecider, run.events).when(command(run.caseId, action.actor, action.body) as CaseCommand);
    const accepted = action.accepted[state];
    if (accepted !== undefined) {
      when.thenMatches((events) => expect(events[0]?.type).toBe(accepted));
    } else if (action.nothing?.includes(state)) {
      when.thenNothingHappens();
    } else {
      const caseState = state === 'published' ? 'verified' : state;
      const error = when.thenThrows(CASE_ERRORS.CASE_STATE_CONFLICT);
      expect(error.details).toMatchObject({ state: caseState });
    }
    given(caseDecider, run.events).when(command(run.caseId, action.wrongActor, action.body) as CaseCommand).thenThrows(action.forbidden);
  });
});
