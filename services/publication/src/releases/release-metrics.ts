import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { BatchObservableResult, metricsMeter } from '@smi/telemetry';
import { addCalendarDays, HolidayLookup, IsoDate } from '@smi/working-days';
import { DataSource } from 'typeorm';
import { parseQuarter, quarterOf, releaseDueBy } from './quarter';
import { RELEASES_OPTIONS, ReleasesOptions } from './releases-options';

export interface NextRelease {
  label: string;
  /** The last day the release is on time (10th working day after the quarter, quarter.ts). */
  dueBy: IsoDate;
  /** When it is late: 00:00 London time on the day after `dueBy`, as a Unix time in seconds. */
  lateFromSeconds: number;
}

/** 00:00 in London on `date`, in seconds: UTC midnight less London's offset then (one hour in summer time). */
export function londonMidnightSeconds(date: IsoDate): number {
  const utc = Date.parse(`${date}T00:00:00Z`);
  const zone = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'shortOffset' }).formatToParts(new Date(utc)).find((p) => p.type === 'timeZoneName')?.value;
  const offsetHours = zone && zone !== 'GMT' ? Number(zone.slice(3)) : 0;
  return (utc - offsetHours * 3_600_000) / 1000;
}

/**
 * The release DCC owes next: the quarter after the last one released, or, before the first release, the quarter
 * PUBLICATION_RELEASES_FROM names; none while neither exists (no cycle has begun, as the release-due check says).
 */
export function nextRelease(lastLabel: string | null, releasesFrom: string | null, holidays: HolidayLookup): NextRelease | null {
  const quarter = lastLabel !== null ? quarterOf(addCalendarDays(parseQuarter(lastLabel).to, 1)) : releasesFrom !== null ? parseQuarter(releasesFrom) : null;
  if (quarter === null) return null;
  const dueBy = releaseDueBy(quarter, holidays);
  return { label: quarter.label, dueBy, lateFromSeconds: londonMidnightSeconds(addCalendarDays(dueBy, 1)) };
}

/**
 * Publication's release gauges, read when Prometheus scrapes: when the next release becomes late, as a timestamp
 * (`(x - time()) / 86400` is the days left; an alert fires as it nears and once it has passed), and quarters whose
 * ReleaseDue was raised and which are still unreleased. The quarter itself is no label: a label that changes each
 * quarter would leave the old series behind in the registry.
 */
@Injectable()
export class ReleaseMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly meter = metricsMeter('publication');
  private readonly lateFrom = this.meter.createObservableGauge('publication_next_release_late_from_timestamp_seconds', {
    description: 'When the next quarterly release becomes late: 00:00 London time after its 10th working day after the quarter',
    unit: 's',
  });
  private readonly dueUnreleased = this.meter.createObservableGauge('publication_releases_due_unreleased', {
    description: 'Quarters whose ReleaseDue was raised and which have no release yet',
  });

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RELEASES_OPTIONS) private readonly options: ReleasesOptions,
  ) {}

  onModuleInit(): void {
    this.meter.addBatchObservableCallback(this.observe, [this.lateFrom, this.dueUnreleased]);
  }

  // The registry is the process's and outlives the application: a closed one's database must not be asked again.
  onModuleDestroy(): void {
    this.meter.removeBatchObservableCallback(this.observe, [this.lateFrom, this.dueUnreleased]);
  }

  private readonly observe = async (result: BatchObservableResult): Promise<void> => {
    const [row]: Array<{ last: string | null; due_unreleased: number }> = await this.dataSource.query(
      `SELECT (SELECT max(label) FROM releases) AS last,
              (SELECT count(*)::int FROM release_dues d WHERE NOT EXISTS (SELECT 1 FROM releases r WHERE r.label = d.label)) AS due_unreleased`,
    );
    result.observe(this.dueUnreleased, row.due_unreleased);
    const next = nextRelease(row.last, this.options.releasesFrom, this.options.holidays);
    if (next) result.observe(this.lateFrom, next.lateFromSeconds);
  };
}
