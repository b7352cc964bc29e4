import { Inject, Injectable } from '@nestjs/common';
import { CASE_KINDS, CASE_STATES, CaseKind, CaseStateName } from '@smi/contracts';
import { HolidayLookup, londonDate, workingDaysBetween } from '@smi/working-days';
import { DataSource, EntityManager } from 'typeorm';
import { BANK_HOLIDAYS, Clock, CLOCK } from '../calendar/calendar';
import { AGE_BUCKETS, CaseStatsView, OldestWaitingView } from './case-stats.dto';
import { caseStatsProjection } from './case-stats.projection';

/** The projection's view: always the table that is live, through rebuilds. */
const VIEW = caseStatsProjection.name;

/** States in which a case is still in someone's hands; a verified case is too while it waits on a confirmation. */
const OPEN_STATES: readonly CaseStateName[] = ['queued', 'claimed', 'awaiting-information', 'awaiting-agreement', 'disputed'];

/**
 * `GET /cases/stats` (issue point 10), from the case_stats projection. All figures are read in one snapshot so
 * they add up; ages are counted in England and Wales working days to today's London date when read, so a case
 * moves from one bucket to the next as days pass without any event.
 */
@Injectable()
export class CaseStatsReader {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(BANK_HOLIDAYS) private readonly holidays: HolidayLookup,
  ) {}

  stats(): Promise<CaseStatsView> {
    const today = londonDate(this.clock.now());
    return this.dataSource.transaction('REPEATABLE READ', (manager) => this.read(manager, today));
  }

  private async read(manager: EntityManager, today: string): Promise<CaseStatsView> {
    const counts: Array<{ state: CaseStateName; case_kind: CaseKind; cases: number }> = await manager.query(
      `SELECT state, case_kind, count(*)::int AS cases FROM ${VIEW} GROUP BY state, case_kind`,
    );
    // Grouped by the London day the case entered its state: few distinct days, however many cases.
    const entered: Array<{ day: string; cases: number }> = await manager.query(
      `SELECT to_char(state_since AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS day, count(*)::int AS cases FROM ${VIEW}
       WHERE state = ANY($1::text[]) OR waiting_on IS NOT NULL GROUP BY day`,
      [OPEN_STATES],
    );
    const [oldest]: Array<{ case_id: string; case_kind: CaseKind; state: CaseStateName; waiting_on: string; waiting_for: string; waiting_since: Date; wait_overdue: boolean }> =
      await manager.query(
        `SELECT case_id, case_kind, state, waiting_on, waiting_for, waiting_since, wait_overdue FROM ${VIEW}
         WHERE waiting_on IS NOT NULL ORDER BY waiting_since, case_id LIMIT 1`,
      );
    const verifiers: Array<{ assignee: string; claimed: number }> = await manager.query(
      `SELECT assignee, count(*)::int AS claimed FROM ${VIEW} WHERE state = 'claimed' AND assignee IS NOT NULL
       GROUP BY assignee ORDER BY claimed DESC, assignee`,
    );
    const parties: Array<{ party_id: string; waiting: number; overdue: number }> = await manager.query(
      `SELECT waiting_on AS party_id, count(*)::int AS waiting, (count(*) FILTER (WHERE wait_overdue))::int AS overdue FROM ${VIEW}
       WHERE waiting_on IS NOT NULL GROUP BY waiting_on ORDER BY waiting_on`,
    );

    const byState = Object.fromEntries(CASE_STATES.map((state) => [state, 0])) as Record<CaseStateName, number>;
    const byKind = Object.fromEntries(CASE_KINDS.map((kind) => [kind, 0])) as Record<CaseKind, number>;
    const byStateAndKind = Object.fromEntries(CASE_STATES.map((state) => [state, { ...byKind }])) as Record<CaseStateName, Record<CaseKind, number>>;
    let total = 0;
    for (const { state, case_kind: kind, cases } of counts) {
      // The projection stores only known states and kinds; anything else would still count in the total.
      total += cases;
      if (state in byState) byState[state] += cases;
      if (kind in byKind) byKind[kind] += cases;
      if (state in byStateAndKind && kind in byKind) byStateAndKind[state][kind] += cases;
    }

    const byAge = AGE_BUCKETS.map((bucket) => ({ workingDays: bucket.workingDays as string, cases: 0 }));
    for (const { day, cases } of entered) {
      const age = workingDaysBetween(day, today, this.holidays);
      byAge[AGE_BUCKETS.findIndex((bucket) => age <= bucket.upTo)].cases += cases;
    }

    return {
      asOf: today,
      total,
      byState,
      byKind,
      byStateAndKind,
      byAge,
      oldestWaiting: oldest === undefined ? null : this.oldestWaiting(oldest, today),
      perVerifier: verifiers,
      perPartyWaitedOn: parties.map((p) => ({ partyId: p.party_id, waiting: p.waiting, overdue: p.overdue })),
    };
  }

  private oldestWaiting(
    row: { case_id: string; case_kind: CaseKind; state: CaseStateName; waiting_on: string; waiting_for: string; waiting_since: Date; wait_overdue: boolean },
    today: string,
  ): OldestWaitingView {
    return {
      caseId: row.case_id,
      caseKind: row.case_kind,
      state: row.state,
      waitingOn: row.waiting_on,
      waitingFor: row.waiting_for,
      since: row.waiting_since.toISOString(),
      workingDays: workingDaysBetween(londonDate(row.waiting_since), today, this.holidays),
      overdue: row.wait_overdue,
    };
  }
}
