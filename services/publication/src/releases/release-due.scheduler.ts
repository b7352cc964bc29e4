import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { handleCommand, PostgresEventStore } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { londonDate } from '@smi/working-days';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { lastEndedQuarter } from './quarter';
import { projectReleases } from './release-cut.handler';
import { ReleaseDue, releaseDecider, RELEASES_STREAM } from './release.decider';
import { RELEASES_LOCK, RELEASES_OPTIONS, ReleasesOptions } from './releases-options';

/** Who records what the service itself finds: never a person. */
export const RELEASE_DUE_SYSTEM_ACTOR: Actor = { userId: 'system:publication.releases', partyId: 'DCC', partyType: 'dcc', roles: ['system'] };

/**
 * Looks, every PUBLICATION_RELEASE_DUE_CHECK_INTERVAL_MS and once at start-up, at the last quarter that has ended:
 * with no release by its 10th working day after it ended, ReleaseDue is recorded, once (the decider says when and
 * whether; not before the cycle starts, PUBLICATION_RELEASES_FROM). Only that quarter: an earlier one was checked
 * while it was the last, and a later release passes it by.
 */
@Injectable()
export class ReleaseDueScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReleaseDueScheduler.name);
  private readonly decider: ReturnType<typeof releaseDecider>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<ReleaseDue[]>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(RELEASES_OPTIONS) private readonly options: ReleasesOptions,
  ) {
    this.decider = releaseDecider(options.holidays);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.checkNow(), this.options.dueCheckIntervalMs);
    void this.checkNow();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * Runs one check now, unless one is already running on this instance (its result is returned then) or another
   * instance holds the releases lock (a cut, or its own check: the next check covers it). Returns what it raised.
   */
  checkNow(): Promise<ReleaseDue[]> {
    if (!this.running) {
      this.running = this.check()
        .catch((error: Error) => {
          this.logger.error({ msg: 'release due check failed', error: error.message });
          return [];
        })
        .finally(() => {
          this.running = undefined;
        });
    }
    return this.running;
  }

  private async check(): Promise<ReleaseDue[]> {
    // A session-level advisory lock needs one connection for lock and unlock, hence a dedicated query runner.
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }]: Array<{ locked: boolean }> = await runner.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`, [RELEASES_LOCK]);
      if (!locked) return [];
      try {
        return await this.raiseIfDue();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [RELEASES_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async raiseIfDue(): Promise<ReleaseDue[]> {
    const now = this.options.clock.now();
    const today = londonDate(now);
    const quarter = lastEndedQuarter(today);
    const { events } = await handleCommand(this.dataSource, {
      store: this.store,
      streamId: RELEASES_STREAM,
      decider: this.decider,
      command: { type: 'RaiseReleaseDue', label: quarter.label, releasesFrom: this.options.releasesFrom, today, at: now.toISOString() },
      metadata: { correlationId: `release-due-check:${randomUUID()}`, actor: RELEASE_DUE_SYSTEM_ACTOR },
      project: (manager, recorded) => projectReleases(manager, recorded, RELEASE_DUE_SYSTEM_ACTOR),
    });
    const raised = events as ReleaseDue[];
    for (const due of raised) this.logger.warn({ msg: 'release due: no release for the quarter by its 10th working day', label: due.label, dueBy: due.dueBy });
    return raised;
  }
}
