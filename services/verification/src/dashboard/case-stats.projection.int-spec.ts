import { GivenEvent, givenEvents } from '@smi/testing';
import { CaseEvent } from '../case-aggregate';
import { CaseRun, duplicateFlagged, LATER, SYSTEM, VERIFIER } from '../case-aggregate/test-support/case-fixtures';
import { caseStreamId } from '../case-store';
import { caseStatsProjection } from './case-stats.projection';

const given = (events: CaseEvent[]): GivenEvent[] => events.map(({ type, ...data }) => ({ streamId: caseStreamId(data.caseId), type, data }));

describe('case_stats projection: one row per case, given case events', () => {
  it('keeps when a case entered its state: an event that moves no state leaves it', async () => {
    const run = CaseRun.item().do(SYSTEM, { type: 'AttachDuplicateHints', flag: duplicateFlagged() }, LATER);
    const rows = await givenEvents(caseStatsProjection, given(run.events)).rows('case_stats');
    // A hint changes no state: the case is queued since it was opened, not since the hint.
    expect(rows).toEqual([
      expect.objectContaining({ case_id: run.caseId, case_kind: 'item', state: 'queued', state_since: new Date('2026-03-02T10:00:00.000Z'), assignee: null, waiting_on: null }),
    ]);
  });

  it('skips what it cannot apply, before and after a good event, and keeps the case as it was', async () => {
    const run = CaseRun.report().claim();
    const stray = '00000000-0000-8000-8000-00000000000a';
    const rows = await givenEvents(caseStatsProjection, [
      { streamId: caseStreamId(stray), type: 'CaseReleased', data: { caseId: stray, at: LATER } },
      ...given(run.events),
      { streamId: caseStreamId(run.caseId), type: 'CaseOpened', data: { caseId: run.caseId, at: LATER } },
      { streamId: caseStreamId(run.caseId), type: 'CaseClaimed', data: { caseId: run.caseId, assignee: 42, at: LATER } },
    ]).rows('case_stats');
    expect(rows).toEqual([expect.objectContaining({ case_id: run.caseId, case_kind: 'report', state: 'claimed', assignee: VERIFIER.userId })]);
  });
});
