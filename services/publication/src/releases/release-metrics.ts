import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { BatchObservableResult, metricsMeter } from '@smi/telemetry';
import { addCalendarDays, HolidayLookup, IsoDate, londonDate } from '@smi/working-days';
import { DataSource } from 'typeorm';
import { parseQuarter, quarterOf, releaseDueBy } from './quarter';
import { RELEASES_OPTIONS, ReleasesOptions } from './releases-options';

const DAY_MS = 86_400_000;

export interface NextRelease {
  label: string;
  /** The last day the release is on time (10th working day after the quarter, quarter.ts). */
  dueBy: IsoDate;
  /** Calendar days from `today` to `dueBy`: 0 on the day itself, negative once it has passed. */
  daysUntilDue: number;
}

/**
 * The release DCC owes next: the quarter after the last one released, or, before the first release, the quarter
 * PUBLICATION_RELEASES_FROM names; none while neither exists (no cycle has begun, as the release-due check says).
 */
export function nextRelease(lastLabel: string | null, releasesFrom: string | null, today: IsoDate, holidays: HolidayLookup): NextRelease | null {
  const quarter = lastLabel !== null ? quarterOf(addCalendarDays(parseQuarter(lastLabel).to, 1)) : releasesFrom !== null ? parseQuarter(releasesFrom) : null;
  if (quarter === null) return null;
  const dueBy = releaseDueBy(quarter, holidays);
  return { label: quarter.label, dueBy, daysUntilDue: Math.round((Date.parse(dueBy) - Date.parse(today)) / DAY_MS) };
}

/**
 * Publication's release gauges, read when Prometheus scrapes: days until the next release is due (an alert fires as
 * it nears and once it has passed) and quarters whose ReleaseDue was raised and which are still unreleased. The
 * quarter itself is no label: a label that changes each quarter would leave the old series behind in the registry.
 */
@Injectable()
export class ReleaseMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly meter = metricsMeter('publication');
  private readonly daysUntilDue = this.meter.createObservableGauge('publication_next_release_due_days', {
    description: 'Calendar days until the next quarterly release is due (its 10th working day after the quarter); negative once overdue',
  });
  private readonly dueUnreleased = this.meter.createObservableGauge('publication_releases_due_unreleased', {
    description: 'Quarters whose ReleaseDue was raised and which have no release yet',
  });

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RELEASES_OPTIONS) private readonly options: ReleasesOptions,
  ) {}

  onModuleInit(): void {
    this.meter.addBatchObservableCallback(this.observe, [this.daysUntilDue, this.dueUnreleased]);
  }

  // The registry is the process's and outlives the application: a closed one's database must not be asked again.
  onModuleDestroy(): void {
    this.meter.removeBatchObservableCallback(this.observe, [this.daysUntilDue, this.dueUnreleased]);
  }

  private readonly observe = async (result: BatchObservableResult): Promise<void> => {
    const [row]: Array<{ last: string | null; due_unreleased: number }> = await this.dataSource.query(
      `SELECT (SELECT max(label) FROM releases) AS last,
              (SELECT count(*)::int FROM release_dues d WHERE NOT EXISTS (SELECT 1 FROM releases r WHERE r.label = d.label)) AS due_unreleased`,
    );
    result.observe(this.dueUnreleased, row.due_unreleased);
    const next = nextRelease(row.last, this.options.releasesFrom, londonDate(this.options.clock.now()), this.options.holidays);
    if (next) result.observe(this.daysUntilDue, next.daysUntilDue);
  };
}
