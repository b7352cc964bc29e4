import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DATA_REQUESTS_OPTIONS, DataRequestsOptions } from './clock';
import { DataRequestsHandler } from './data-requests.handler';

/** One sweep at a time across every intake instance; the decider keeps it correct even without the lock. */
const SWEEP_LOCK = 'intake.data-requests.overdue-check';

/**
 * Looks for open data requests whose 15 working days have run out, every
 * INTAKE_OVERDUE_CHECK_INTERVAL_MS and once at start-up, and records them overdue.
 */
@Injectable()
export class OverdueScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OverdueScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<string[]>;

  constructor(
    private readonly dataRequests: DataRequestsHandler,
    private readonly dataSource: DataSource,
    @Inject(DATA_REQUESTS_OPTIONS) private readonly options: DataRequestsOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.checkNow(), this.options.overdueCheckIntervalMs);
    void this.checkNow();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * Runs one sweep now, unless one is already running on this instance (its result is returned then)
   * or on another instance (nothing to do: that one covers it). Returns the request ids marked overdue.
   */
  checkNow(): Promise<string[]> {
    if (!this.running) {
      this.running = this.sweep()
        .catch((error: Error) => {
          this.logger.error({ msg: 'overdue check failed', error: error.message });
          return [];
        })
        .finally(() => {
          this.running = undefined;
        });
    }
    return this.running;
  }

  private async sweep(): Promise<string[]> {
    // A session-level advisory lock needs one connection for lock and unlock, hence a dedicated query runner.
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }]: Array<{ locked: boolean }> = await runner.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`, [SWEEP_LOCK]);
      if (!locked) return [];
      try {
        return await this.dataRequests.markOverdueRequests();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [SWEEP_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
