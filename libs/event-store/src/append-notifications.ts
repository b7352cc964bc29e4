import { Client, ClientConfig } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/** The LISTEN/NOTIFY channel readers of the event store (relay, async projections) wait on. */
export const APPEND_CHANNEL = 'events_appended';

/** A pg client configuration equal to the one the DataSource uses, for sessions TypeORM cannot pool (LISTEN, advisory locks). */
export function pgConnectionConfig(dataSource: DataSource): ClientConfig {
  const o = dataSource.options as PostgresConnectionOptions;
  return {
    connectionString: o.url,
    host: o.host,
    port: o.port,
    user: o.username,
    password: typeof o.password === 'string' ? o.password : undefined,
    database: o.database,
    application_name: `${o.applicationName ?? 'smi'}-listener`,
  };
}

/**
 * What ended a `wait`: an append notification (or the listening connection (re)opening, after which anything
 * appended meanwhile must be read at once), the poll interval elapsing, or `stop()`.
 */
export type WakeUp = 'notified' | 'polled' | 'stopped';

/**
 * Wakes readers of the event store as soon as something is appended (LISTEN/NOTIFY), with polling
 * as the fallback: a notification can be lost while the listening connection is down, so `wait`
 * never sleeps longer than the poll interval.
 */
const DEFAULT_READER = 'reader';

export class AppendNotifications {
  private client?: Client;
  private waiters: Array<(wakeUp: WakeUp) => void> = [];
  /**
   * Per reader, whether an append was notified since its last wait: readers sharing this connection (a runner's
   * projections, each in its own loop) must each see a notification that arrived while they were busy reading.
   */
  private readonly pending = new Map<string, boolean>([[DEFAULT_READER, false]]);
  private closed = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client(this.config);
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.onError(error);
      this.client = undefined;
      client.end().catch(() => undefined);
      setTimeout(() => this.connect().catch((e: Error) => this.onError(e)), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${APPEND_CHANNEL}`);
    this.client = client;
    // Anything appended while we were not listening is found by the next read.
    this.wake();
  }

  /** A reader that will wait under its own name: from now on no notification passes it by. */
  addReader(reader: string): void {
    if (!this.pending.has(reader)) this.pending.set(reader, false);
  }

  private wake(): void {
    for (const reader of this.pending.keys()) this.pending.set(reader, true);
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(this.closed ? 'stopped' : 'notified');
  }

  /** True while a `wait` is blocked: the reader has read everything and nothing has woken it since. */
  get waiting(): boolean {
    return this.waiters.length > 0;
  }

  /**
   * Resolves on the next append notification (or at once when one arrived since `reader`'s last wait), or after
   * `pollMs` at the latest, saying which it was.
   */
  wait(pollMs: number, reader: string = DEFAULT_READER): Promise<WakeUp> {
    if (this.closed) return Promise.resolve('stopped');
    this.addReader(reader);
    if (this.pending.get(reader)) {
      this.pending.set(reader, false);
      return Promise.resolve('notified');
    }
    return new Promise((resolve) => {
      const done = (wakeUp: WakeUp) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        this.pending.set(reader, false);
        resolve(wakeUp);
      };
      const timer = setTimeout(() => done('polled'), pollMs);
      this.waiters.push(done);
    });
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
