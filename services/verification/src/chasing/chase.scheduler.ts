import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CHASING_OPTIONS, ChasingOptions } from './chasing-options';
import { OverdueWaits } from './overdue-waits';

/** One sweep at a time across every verification instance; OverdueWaits stays correct even without the lock. */
const SWEEP_LOCK = 'verification.chasing.overdue-check';

/**
 * Looks for waits on manufacturers and CSPs whose working days have run out, every
 * VERIFICATION_CHASE_CHECK_INTERVAL_MS and once at start-up, and records them overdue.
 */
@Injectable()
export class ChaseScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChaseScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<string[]>;

  constructor(
    private readonly overdueWaits: OverdueWaits,
    private readonly dataSource: DataSource,
    @Inject(CHASING_OPTIONS) private readonly options: ChasingOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.checkNow(), this.options.checkIntervalMs);
    void this.checkNow();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * Runs one sweep now, unless one is already running on this instance (its result is returned then) or on
   * another instance (nothing to do: that one covers it). Returns the ids of the cases marked overdue.
   */
  checkNow(): Promise<string[]> {
    if (!this.running) {
      this.running = this.sweep()
        .catch((error: Error) => {
          this.logger.error({ msg: 'chasing check failed', error: error.message });
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
        return await this.overdueWaits.markOverdue();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [SWEEP_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
