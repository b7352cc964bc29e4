import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CASE_STATES, CaseStateName } from '@smi/contracts';
import { BatchObservableResult, metricsMeter } from '@smi/telemetry';
import { HolidayLookup, IsoDate, londonDate, workingDaysBetween } from '@smi/working-days';
import { DataSource } from 'typeorm';
import { BANK_HOLIDAYS, Clock, CLOCK } from '../calendar/calendar';
import { AGE_BUCKETS } from './case-stats.dto';
import { caseStatsProjection } from './case-stats.projection';

/** States in which a case is still in someone's hands (as GET /cases/stats counts them): only these have an age worth watching. */
export const OPEN_STATES: readonly CaseStateName[] = ['queued', 'claimed', 'awaiting-information', 'awaiting-agreement', 'disputed'];

const WAITS_FOR = ['information', 'agreement', 'confirmation'] as const;

export interface OpenCaseAges {
  /** Cases per open state and age bucket (AGE_BUCKETS' labels), every pair present, at 0 too. */
  byBucket: Array<{ state: CaseStateName; bucket: string; cases: number }>;
  /** Working days since the oldest case of each open state entered it; 0 for a state with no case. */
  oldest: Array<{ state: CaseStateName; workingDays: number }>;
}

/**
 * Buckets open cases by the working days since they entered their state, on `today`'s London date, with the
 * dashboard's own buckets (0-5, 6-15, 16+), from counts grouped by state and London day: so a case moves bucket as
 * days pass, with no event, and the query returns a few rows per state however many cases there are.
 */
export function openCaseAges(rows: ReadonlyArray<{ state: string; day: IsoDate; cases: number }>, today: IsoDate, holidays: HolidayLookup): OpenCaseAges {
  const counts = new Map<string, number>();
  const oldest = new Map<CaseStateName, number>();
  for (const { state, day, cases } of rows) {
    if (!OPEN_STATES.includes(state as CaseStateName)) continue;
    const age = workingDaysBetween(day, today, holidays);
    const bucket = AGE_BUCKETS.find((b) => age <= b.upTo)!.workingDays;
    counts.set(`${state} ${bucket}`, (counts.get(`${state} ${bucket}`) ?? 0) + cases);
    if (cases > 0 && age > (oldest.get(state as CaseStateName) ?? -1)) oldest.set(state as CaseStateName, age);
  }
  return {
    byBucket: OPEN_STATES.flatMap((state) => AGE_BUCKETS.map(({ workingDays: bucket }) => ({ state, bucket, cases: counts.get(`${state} ${bucket}`) ?? 0 }))),
    // Every state, at 0 without a case, so a series never goes stale (a gauge's last value would otherwise linger).
    oldest: OPEN_STATES.map((state) => ({ state, workingDays: oldest.get(state) ?? 0 })),
  };
}

/**
 * Verification's gauges, read from the `case_stats` read model (the DCC dashboard's) when Prometheus scrapes: cases
 * by state, open cases by age, and waits on manufacturers and CSPs by what is awaited and whether the chasing sweep
 * has marked them overdue (PartyResponseOverdue, 15 working days). No case, party or verifier is a label.
 */
@Injectable()
export class CaseMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly meter = metricsMeter('verification');
  private readonly cases = this.meter.createObservableGauge('verification_cases', { description: 'Cases by state' });
  private readonly byAge = this.meter.createObservableGauge('verification_open_cases_by_age', {
    description: 'Open cases by state and working days since they entered it (bucket 0-5, 6-15, 16+)',
  });
  private readonly oldest = this.meter.createObservableGauge('verification_open_case_oldest_age_workdays', {
    // "workdays", not "days": a count of England and Wales working days, not a duration promtool would want in seconds.
    description: 'Working days since the oldest case of each open state entered it (0 with no case)',
  });
  private readonly waits = this.meter.createObservableGauge('verification_party_waits', { description: 'Cases waiting on a manufacturer or CSP, by what is awaited' });
  private readonly overdue = this.meter.createObservableGauge('verification_party_responses_overdue', {
    description: 'Waits on a manufacturer or CSP marked overdue (PartyResponseOverdue: 15 working days without an answer), by what is awaited',
  });
  private readonly observables = [this.cases, this.byAge, this.oldest, this.waits, this.overdue];

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(BANK_HOLIDAYS) private readonly holidays: HolidayLookup,
  ) {}

  onModuleInit(): void {
    this.meter.addBatchObservableCallback(this.observe, this.observables);
  }

  // The registry is the process's and outlives the application: a closed one's database must not be asked again.
  onModuleDestroy(): void {
    this.meter.removeBatchObservableCallback(this.observe, this.observables);
  }

  private readonly observe = async (result: BatchObservableResult): Promise<void> => {
    const view = caseStatsProjection.name;
    const [states, days, waits]: [
      Array<{ state: string; cases: number }>,
      Array<{ state: string; day: string; cases: number }>,
      Array<{ waiting_for: string; waiting: number; overdue: number }>,
    ] = await Promise.all([
      this.dataSource.query(`SELECT state, count(*)::int AS cases FROM ${view} GROUP BY state`),
      this.dataSource.query(
        `SELECT state, to_char(state_since AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS day, count(*)::int AS cases FROM ${view}
         WHERE state = ANY($1::text[]) GROUP BY state, day`,
        [OPEN_STATES],
      ),
      this.dataSource.query(
        `SELECT waiting_for, count(*)::int AS waiting, (count(*) FILTER (WHERE wait_overdue))::int AS overdue FROM ${view}
         WHERE waiting_on IS NOT NULL GROUP BY waiting_for`,
      ),
    ]);
    for (const state of CASE_STATES) result.observe(this.cases, states.find((row) => row.state === state)?.cases ?? 0, { state });
    const ages = openCaseAges(days, londonDate(this.clock.now()), this.holidays);
    for (const { state, bucket, cases } of ages.byBucket) result.observe(this.byAge, cases, { state, age_working_days: bucket });
    for (const { state, workingDays } of ages.oldest) result.observe(this.oldest, workingDays, { state });
    for (const waitingFor of WAITS_FOR) {
      const row = waits.find((w) => w.waiting_for === waitingFor);
      result.observe(this.waits, row?.waiting ?? 0, { waiting_for: waitingFor });
      result.observe(this.overdue, row?.overdue ?? 0, { waiting_for: waitingFor });
    }
  };
}
