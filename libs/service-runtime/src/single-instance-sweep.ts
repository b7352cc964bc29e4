import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface SweepOptions<R> {
  /** Names the session-level advisory lock that lets one instance sweep at a time. */
  lockName: string;
  intervalMs: number;
  /** What a sweep returns when it did not run (another instance holds the lock) or failed. */
  nothing: () => R;
}

/**
 * A periodic sweep (every `intervalMs` and once at start-up) run by one instance at a time: the others find the
 * advisory lock taken and leave it to that one. The sweep itself must stay correct without the lock (a stream's
 * expected version and a rule that marks once), since the lock only saves work. Subclasses say what to sweep.
 */
export abstract class SingleInstanceSweep<R> implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<R>;

  protected constructor(
    private readonly dataSource: DataSource,
    private readonly sweepOptions: SweepOptions<R>,
  ) {}

  /** One sweep: what it did, for the caller of checkNow (tests, logs). */
  protected abstract sweep(): Promise<R>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.checkNow(), this.sweepOptions.intervalMs);
    void this.checkNow();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * Runs one sweep now, unless one is already running on this instance (its result is returned then) or on
   * another instance (nothing to do: that one covers it).
   */
  checkNow(): Promise<R> {
    if (!this.running) {
      this.running = this.underLock()
        .catch((error: Error) => {
          this.logger.error({ msg: 'sweep failed', lock: this.sweepOptions.lockName, error: error.message });
          return this.sweepOptions.nothing();
        })
        .finally(() => {
          this.running = undefined;
        });
    }
    return this.running;
  }

  private async underLock(): Promise<R> {
    // A session-level advisory lock needs one connection for lock and unlock, hence a dedicated query runner.
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }]: Array<{ locked: boolean }> = await runner.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`, [this.sweepOptions.lockName]);
      if (!locked) return this.sweepOptions.nothing();
      try {
        return await this.sweep();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [this.sweepOptions.lockName]);
      }
    } finally {
      await runner.release();
    }
  }
}
