import { eventSchemaErrors } from '@smi/contracts';
import { toNewEvent } from '@smi/event-store';
import { CASE_EVENT_TYPES, CaseEvent } from '.';
import {
  ACME,
  ACME_PARTY,
  CaseRun,
  CSP,
  duplicateFlagged,
  fixProposed,
  ITEM_CASE,
  itemReported,
  itemRevised,
  itemSubmitted,
  LATER,
  othersItem,
  SYSTEM,
  VERIFIER,
} from './test-support/case-fixtures';

/** Cases that between them record every event the case decider can emit, with nulls and values both. */
function scenarios(): CaseRun[] {
  const own = CaseRun.item()
    .do(SYSTEM, { type: 'AttachDuplicateHints', flag: duplicateFlagged() })
    .claim()
    .do(VERIFIER, { type: 'ReleaseCase', reason: 'wrong queue' })
    .claim()
    .do(VERIFIER, { type: 'RequestInformation', question: 'Which hardware revision?' })
    .do(ACME, { type: 'ProvideInformation', answer: 'Revision B' })
    .verify()
    .do(SYSTEM, { type: 'ReviseItem', revision: itemRevised() }, LATER)
    .claim()
    .do(VERIFIER, { type: 'RejectCase', reason: 'no such firmware' })
    .do(VERIFIER, { type: 'MergeSources', fromCaseId: 'item-CSP-N-7', sources: [{ kind: 'item', caseId: 'item-CSP-N-7', providerPartyId: CSP.partyId, identifier: '7', source: 'CSP' }] })
    .do(VERIFIER, { type: 'WithdrawItem', reason: 'recalled' });
  const others = CaseRun.item(othersItem(), null, 'item-CSP-N-7')
    .verify()
    .do(SYSTEM, { type: 'AssignAccountableParty', accountable: ACME_PARTY })
    .do(SYSTEM, { type: 'MarkResponseOverdue', today: '2026-03-30', waitingSince: '2026-03-02T10:00:00.000Z', overdueFrom: '2026-03-24' })
    .do(ACME, { type: 'DisputeInclusion', reason: 'never shipped' })
    .do(VERIFIER, { type: 'IncludeDespiteDispute', reason: 'seen in the field' })
    .do(ACME, { type: 'ConfirmFix', confirmed: false, note: 'does not fix it' })
    .do(ACME, { type: 'ConfirmFix', confirmed: true, fixingFirmwareVersion: '38040405', note: 'tested' });
  const closed = CaseRun.report(itemReported({ reference: 'INC-1' }))
    .verify()
    .do(ACME, { type: 'DisputeInclusion', reason: 'not ours' })
    .do(VERIFIER, { type: 'CloseNotIncluded', reason: 'agreed with ACME' });
  const duplicate = CaseRun.item(itemSubmitted({ identifier: '43', fixAvailable: false, fixInformation: null }), ACME_PARTY, 'item-ACME-MFR-43')
    .claim()
    .do(VERIFIER, { type: 'MarkDuplicate', duplicateOf: ITEM_CASE, reason: 'same item' });
  const target = { kind: 'item' as const, providerPartyId: ACME.partyId, identifier: '99' };
  const fixForItem = CaseRun.fix(fixProposed({ target, make: null, model: null, firmwareVersion: null, deviceType: null }), ACME_PARTY, false)
    .do(VERIFIER, { type: 'ResolveFixReference', resolution: 'verifier', note: 'item 99 is item 42' })
    .verify()
    .do(ACME, { type: 'ConfirmFix', confirmed: true });
  const accepted = fixForItem.events.find((e): e is Extract<CaseEvent, { type: 'FixAccepted' }> => e.type === 'FixAccepted');
  const report = CaseRun.report().verify().do(ACME, { type: 'AgreeInclusion', note: null });
  if (accepted) report.do(SYSTEM, { type: 'AttachFix', fix: accepted.fix });
  const deviceFix = CaseRun.fix(fixProposed({ proposerPartyId: ACME.partyId, proposerPartyType: 'manufacturer', source: 'Device Manufacturer' })).verify();
  return [own, others, closed, duplicate, fixForItem, report, deviceFix];
}

describe('verification events conform to their published contracts', () => {
  const events = scenarios().flatMap((run) => run.events);

  it('the scenarios record every event type the decider can emit', () => {
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(CASE_EVENT_TYPES));
  });

  it.each([...CASE_EVENT_TYPES])('every %s validates against its schema (as stored: data without type, after a JSON round trip)', (type) => {
    const ofType = events.filter((e) => e.type === type);
    expect(ofType.length).toBeGreaterThan(0);
    for (const event of ofType) {
      const { data } = toNewEvent(event);
      expect({ event, errors: eventSchemaErrors('verification', type, 1, JSON.parse(JSON.stringify(data))) }).toEqual({ event, errors: [] });
    }
  });

  it('the schemas refuse what the contract rules out', () => {
    const publishable = events.find((e) => e.type === 'ItemPublishable');
    const { data } = toNewEvent(publishable!);
    const item = (data as unknown as { item: Record<string, unknown> }).item;
    expect(eventSchemaErrors('verification', 'ItemPublishable', 1, { ...data, colour: 'red' })).not.toEqual([]);
    expect(eventSchemaErrors('verification', 'ItemPublishable', 1, { ...data, version: 0 })).not.toEqual([]);
    expect(eventSchemaErrors('verification', 'ItemPublishable', 1, { ...data, item: { ...item, canonical: { ...(item.canonical as object), manufacturerId: '10a' } } })).not.toEqual([]);
    const { data: rejected } = toNewEvent(events.find((e) => e.type === 'CaseRejected')!);
    expect(eventSchemaErrors('verification', 'CaseRejected', 1, { ...rejected, reason: '' })).not.toEqual([]);
  });
});
