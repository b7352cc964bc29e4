import { ACME, CSP, fixProposed, itemReported, itemRevised, itemSubmitted, othersItem, SUPPLIER } from '../case-aggregate/test-support/case-fixtures';
import { caseIdFor } from '../case-store';
import { AccountableParties } from '../parties/accountable-parties';
import { CasesRead, KnownCase, planCaseCommands } from './case-plan';
import { CASES_FROM_INTAKE_ACTOR, IntakeCaseEvent, IntakeCaseMessage } from './intake-message';

const AT = '2026-03-04T09:00:00.000Z';
const ACME_MFR = { partyId: ACME.partyId, partyType: 'manufacturer' } as const;
const CSP_N = { partyId: CSP.partyId, partyType: 'csp' } as const;
const parties = AccountableParties.of([
  { ...ACME_MFR, makes: ['Acme Meters', 'ACME meters'] },
  { ...CSP_N, makes: [' acme   METERS '] },
  { partyId: 'TWIN-A', partyType: 'manufacturer', makes: ['Twin'] },
  { partyId: 'TWIN-B', partyType: 'manufacturer', makes: ['twin'] },
  { partyId: 'NEW-MFR', partyType: 'manufacturer', makes: ['Newco'] },
]);
const NOTHING: CasesRead = { cases: new Map(), fixesOf: new Map() };

let next = 0;
function message(event: IntakeCaseEvent, actor = SUPPLIER): IntakeCaseMessage {
  return { messageId: `msg-${++next}`, correlationId: `corr-${next}`, actor, event };
}

const itemCase = (providerPartyId: string, identifier: string) => caseIdFor({ kind: 'item', providerPartyId, identifier });
const plan = (messages: IntakeCaseMessage[], read = NOTHING) => planCaseCommands(messages, read, parties, AT);
const shape = (planned: ReturnType<typeof plan>) => planned.map((p) => ({ type: p.command.type, caseId: p.command.caseId, message: p.message }));

describe('case commands from intake events', () => {
  it('maps each intake event to its command, with the sender, the correlation, the cause and the accountable party', () => {
    const submitted = message({ type: 'ItemSubmitted', data: othersItem({ identifier: '1', deviceType: 'CHF' }) }, CSP);
    const reported = message({ type: 'ItemReported', data: itemReported({ make: 'Twin' }) });
    const proposed = message({ type: 'FixProposed', data: fixProposed({ make: 'Acme Meters' }) });
    const planned = plan([submitted, reported, proposed]);
    expect(planned.map((p) => p.command)).toEqual([
      expect.objectContaining({ type: 'OpenItemCase', caseId: itemCase(CSP.partyId, '1'), actor: CSP, correlationId: submitted.correlationId, at: AT, accountable: CSP_N }),
      expect.objectContaining({ type: 'OpenReportCase', caseId: caseIdFor({ kind: 'report', reportId: 'R-000001' }), accountable: null }),
      expect.objectContaining({ type: 'OpenFixCase', caseId: caseIdFor({ kind: 'fix', fixId: 'F-000001' }), accountable: ACME_MFR, targetItemFound: false }),
    ]);
    expect(planned.map((p) => [p.causationId, p.opens])).toEqual([
      [submitted.messageId, true],
      [reported.messageId, true],
      [proposed.messageId, true],
    ]);
  });

  it('revises the item’s case and attaches duplicate hints to the flagged item’s case', () => {
    const revised = message({ type: 'ItemRevised', data: itemRevised() });
    const flagged = message({ type: 'PossibleDuplicateFlagged', data: { ...itemRevised(), matches: [{ providerPartyId: CSP.partyId, identifier: '7' }], matchCount: 1, flaggedAt: AT } as never });
    expect(shape(plan([revised, flagged]))).toEqual([
      { type: 'ReviseItem', caseId: itemCase(ACME.partyId, '42'), message: 0 },
      { type: 'AttachDuplicateHints', caseId: itemCase(ACME.partyId, '42'), message: 1 },
    ]);
  });

  it('resolves a fix reference and gives the fix its party when the item arrives after the fix, from the store or earlier in the batch', () => {
    const target = { kind: 'item' as const, providerPartyId: CSP.partyId, identifier: '7' };
    const fixCase = caseIdFor({ kind: 'fix', fixId: 'F-000009' });
    const fix = message({ type: 'FixProposed', data: fixProposed({ fixId: 'F-000009', target, make: null, model: null, firmwareVersion: null, deviceType: null }) });
    const item = message({ type: 'ItemSubmitted', data: othersItem() }, CSP);

    const inOneBatch = plan([fix, item]);
    expect(inOneBatch[0].command).toMatchObject({ type: 'OpenFixCase', targetItemFound: false, accountable: null });
    expect(shape(inOneBatch.slice(1))).toEqual([
      { type: 'OpenItemCase', caseId: itemCase(CSP.partyId, '7'), message: 1 },
      { type: 'ResolveFixReference', caseId: fixCase, message: 1 },
      { type: 'AssignAccountableParty', caseId: fixCase, message: 1 },
    ]);
    expect(inOneBatch[2].command).toMatchObject({ resolution: 'item-submitted', actor: CASES_FROM_INTAKE_ACTOR, correlationId: item.correlationId });
    expect(inOneBatch[3].command).toMatchObject({ accountable: ACME_MFR });

    const stored: KnownCase = { caseId: fixCase, make: null, deviceType: null, accountable: null, fixReference: 'unresolved', targetCaseId: itemCase(CSP.partyId, '7') };
    const later = plan([item], { cases: new Map(), fixesOf: new Map([[itemCase(CSP.partyId, '7'), [stored]]]) });
    expect(shape(later).map((p) => p.type)).toEqual(['OpenItemCase', 'ResolveFixReference', 'AssignAccountableParty']);
  });

  it('finds the item a fix names when it is stored or opened earlier in the batch, and takes the party from that item', () => {
    const target = { kind: 'item' as const, providerPartyId: CSP.partyId, identifier: '8' };
    const fix = message({ type: 'FixProposed', data: fixProposed({ fixId: 'F-000010', target, make: null, model: null, firmwareVersion: null, deviceType: null }) });
    const item = message({ type: 'ItemSubmitted', data: othersItem({ identifier: '8', deviceType: 'GPF' }) }, CSP);
    const planned = plan([item, fix]);
    expect(planned.map((p) => p.command.type)).toEqual(['OpenItemCase', 'OpenFixCase']);
    expect(planned[1].command).toMatchObject({ targetItemFound: true, accountable: CSP_N });

    const stored: KnownCase = { caseId: itemCase(CSP.partyId, '8'), make: 'Acme Meters', deviceType: 'ESME', accountable: ACME_MFR, fixReference: 'not-applicable', targetCaseId: null };
    expect(plan([fix], { cases: new Map([[stored.caseId, stored]]), fixesOf: new Map() })[0].command).toMatchObject({ targetItemFound: true, accountable: ACME_MFR });
  });

  it('gives a report’s fix proposals the report’s party when the report arrives after them', () => {
    const fix = message({ type: 'FixProposed', data: fixProposed({ fixId: 'F-000011', target: { kind: 'report', reportId: 'R-000001' }, make: null, model: null, firmwareVersion: null, deviceType: null }) });
    const report = message({ type: 'ItemReported', data: itemReported({ make: 'Acme Meters' }) });
    const planned = plan([fix, report]);
    expect(planned.map((p) => p.command.type)).toEqual(['OpenFixCase', 'OpenReportCase', 'AssignAccountableParty']);
    expect(planned[0].command).toMatchObject({ accountable: null });
  });

  it('moves an item and its fix proposals to the party of the make a revision names', () => {
    const caseId = itemCase(ACME.partyId, '42');
    const item: KnownCase = { caseId, make: 'Acme Meters', deviceType: 'ESME', accountable: ACME_MFR, fixReference: 'not-applicable', targetCaseId: null };
    const fix: KnownCase = { caseId: caseIdFor({ kind: 'fix', fixId: 'F-000012' }), make: null, deviceType: null, accountable: ACME_MFR, fixReference: 'resolved', targetCaseId: caseId };
    const read = { cases: new Map([[caseId, item]]), fixesOf: new Map([[caseId, [fix]]]) };
    const planned = plan([message({ type: 'ItemRevised', data: itemRevised({ make: 'Newco' }) })], read);
    expect(planned.map((p) => [p.command.type, p.command.caseId])).toEqual([
      ['ReviseItem', caseId],
      ['AssignAccountableParty', caseId],
      ['AssignAccountableParty', fix.caseId],
    ]);
    // The same make again moves nothing; a make nobody answers for keeps the party the case has.
    expect(plan([message({ type: 'ItemRevised', data: itemRevised() })], read).map((p) => p.command.type)).toEqual(['ReviseItem']);
    expect(plan([message({ type: 'ItemRevised', data: itemRevised({ make: 'Twin' }) })], read).map((p) => p.command.type)).toEqual(['ReviseItem']);
  });

  it('plans a re-opening like any other: the decider refuses it CASE_EXISTS, which the consumer takes as done', () => {
    const item = message({ type: 'ItemSubmitted', data: itemSubmitted() }, ACME);
    const stored: KnownCase = { caseId: itemCase(ACME.partyId, '42'), make: 'ACME meters', deviceType: 'ESME', accountable: ACME_MFR, fixReference: 'not-applicable', targetCaseId: null };
    const planned = plan([item, { ...item, messageId: 'again' }], { cases: new Map([[stored.caseId, stored]]), fixesOf: new Map() });
    expect(planned.map((p) => [p.command.type, p.opens])).toEqual([
      ['OpenItemCase', true],
      ['OpenItemCase', true],
    ]);
  });
});
