import { Client } from 'pg';
import { DataSource, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { APPEND_CHANNEL, pgConnectionConfig } from './append-notifications';

/** A notification connection unused this long is closed (reopened by the next append), so it never holds a process open. */
const IDLE_CLOSE_MS = 2_000;
const NOTIFY = `NOTIFY ${APPEND_CHANNEL}`;
const MIN_GAP_MS = 2;

/** Marks a caller's transaction (QueryRunner.data) as holding appended events, to notify once it commits. */
const APPENDED = Symbol('smi.eventsAppended');
type MarkedData = { [APPENDED]?: boolean };

/**
 * Tells readers that events were appended, once the appending transaction has committed.
 *
 * Why not a trigger: a NOTIFY inside a transaction takes PostgreSQL's server-wide notification lock at commit and
 * holds it until the commit record is flushed, so every appending transaction committed one after another and
 * none shared a WAL flush (about 700–1,500 single-event appends/s with 10 writers). Sent afterwards, in its own
 * tiny transaction, the notification still serialises, but only with other notifications, and at most one is in
 * flight (plus one queued for whatever commits meanwhile), so the appends themselves commit together again.
 *
 * The notifications go over a connection of their own, not the pool: behind a queue of busy transactions they
 * would wake the readers late. That connection commits asynchronously (synchronous_commit off): a NOTIFY takes a
 * transaction id, so its commit would otherwise wait for a WAL flush of its own after every append, which only
 * delays the wake-up. A notification is never durable anyway (listeners that reconnect read what they missed), and
 * the events it announces were committed, flushed, before it was sent.
 *
 * A notification can still be lost (a crash between commit and notify, a broken listener connection); readers
 * poll as the fallback, exactly as before, so a lost one costs latency, never an event.
 */
export class AppendNotifier implements EntitySubscriberInterface {
  private inFlight?: Promise<void>;
  private queued = false;
  private lastStartedAt = -Infinity;
  private client?: Client;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  /**
   * After an append: notifies now if the events are already committed, or marks the caller's transaction so that
   * its commit notifies (a rollback notifies nothing).
   */
  appended(queryRunner: QueryRunner | undefined): void {
    if (queryRunner?.isTransactionActive) {
      this.subscribe();
      (queryRunner.data as MarkedData)[APPENDED] = true;
      return;
    }
    this.notify();
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // Also called when a nested transaction's savepoint is released: only the outermost commit makes events visible.
    if (event.queryRunner.isTransactionActive || !this.take(event.queryRunner)) return;
    this.notify();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.take(event.queryRunner);
  }

  /** Resolves once no notification is in flight (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private notify(): void {
    if (this.inFlight) {
      this.queued = true;
      return;
    }
    // Notifications start at least MIN_GAP_MS apart: under a steady stream of appends each one then covers several
    // commits, and readers are woken (and PostgreSQL runs a NOTIFY transaction) a few hundred times a second rather
    // than after nearly every append, for at most MIN_GAP_MS more latency.
    const gap = this.lastStartedAt + MIN_GAP_MS - performance.now();
    this.inFlight = (gap > 0 ? new Promise((resolve) => setTimeout(resolve, gap)) : Promise.resolve())
      .then(() => {
        this.lastStartedAt = performance.now();
        return this.send();
      })
      .catch((error: Error) => this.onError(error))
      .finally(() => {
        this.inFlight = undefined;
        if (this.queued && this.dataSource.isInitialized) {
          this.queued = false;
          this.notify();
        }
      });
  }

  private async send(): Promise<void> {
    clearTimeout(this.idleTimer);
    if (!this.client) {
      const client = new Client({ ...pgConnectionConfig(this.dataSource), application_name: 'smi-append-notifier' });
      // A broken connection is dropped; the next notification opens another.
      client.on('error', (error) => {
        if (this.client === client) this.client = undefined;
        this.onError(error);
      });
      await client.connect();
      await client.query(`SET synchronous_commit = off`);
      this.client = client;
    }
    try {
      // A simple query: one message, nothing to parse or bind.
      await this.client.query(NOTIFY);
    } catch (error) {
      const broken = this.client;
      this.client = undefined;
      await broken?.end().catch(() => undefined);
      throw error;
    }
    this.idleTimer = setTimeout(() => {
      const idle = this.client;
      this.client = undefined;
      void idle?.end().catch(() => undefined);
    }, IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  private take(queryRunner: QueryRunner): boolean {
    const data = queryRunner.data as MarkedData | undefined;
    if (!data?.[APPENDED]) return false;
    delete data[APPENDED];
    return true;
  }

  /** TypeORM rebuilds its subscriber list when the DataSource initialises, so this joins it at first use. */
  private subscribe(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }
}
