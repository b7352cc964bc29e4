import { createTestDatabase, TestDatabase, waitFor } from '@smi/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { APPEND_CHANNEL, EVENT_STORE_MIGRATIONS, NO_STREAM, PostgresEventStore } from './index';

const meta = { correlationId: 'notify-1' };

describe('append notifications, sent after the appending transaction commits', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let listener: Client;
  /** Payloads on the append channel in arrival order: the notifier's are empty, the test's markers are named. */
  const arrived: string[] = [];
  let markers = 0;

  beforeAll(async () => {
    db = await createTestDatabase('append_notifier');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: EVENT_STORE_MIGRATIONS }).initialize();
    await dataSource.runMigrations();
    store = new PostgresEventStore(dataSource, { sourceService: 'test' });
    listener = new Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => {
      if (n.channel === APPEND_CHANNEL) arrived.push(n.payload ?? '');
    });
    await listener.query(`LISTEN ${APPEND_CHANNEL}`);
  });

  afterAll(async () => {
    await listener?.end();
    await dataSource?.destroy();
    await db?.drop();
  });

  /**
   * Sends a marker on the append channel once every notification the store has started is sent, and waits for
   * it. PostgreSQL delivers notifications in the order their transactions committed, so whatever the store
   * notified up to now arrived before the marker: "nothing arrived" becomes "nothing arrived before the marker".
   */
  async function mark(): Promise<number> {
    await store.notificationsSettled();
    const marker = `marker-${++markers}`;
    await dataSource.query(`SELECT pg_notify($1, $2)`, [APPEND_CHANNEL, marker]);
    await waitFor(() => arrived.includes(marker), 5_000, marker);
    return arrived.indexOf(marker);
  }

  /** Append notifications (empty payload) that arrived between two positions of `arrived`. */
  const appendNotificationsBetween = (from: number, to: number) => arrived.slice(from + 1, to).filter((payload) => payload === '').length;

  it('no longer has a NOTIFY trigger inside the appending transaction', async () => {
    const triggers: unknown[] = await dataSource.query(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'events'::regclass AND NOT tgisinternal`);
    expect(triggers).toEqual([]);
  });

  it('notifies after an append in its own transaction', async () => {
    const start = await mark();
    await store.append('device-a', [{ type: 'Created', data: {} }], NO_STREAM, meta);
    expect(appendNotificationsBetween(start, await mark())).toBe(1);
  });

  it("notifies only once the caller's transaction commits, and not at all when it rolls back", async () => {
    const runner = dataSource.createQueryRunner();
    const start = await mark();
    await runner.startTransaction();
    await store.append('device-b', [{ type: 'Created', data: {} }], NO_STREAM, meta, runner.manager);
    // A nested transaction's savepoint released is not yet a commit.
    await runner.startTransaction();
    await store.append('device-c', [{ type: 'Created', data: {} }], NO_STREAM, meta, runner.manager);
    await runner.commitTransaction();
    const beforeCommit = await mark();
    expect(appendNotificationsBetween(start, beforeCommit)).toBe(0);
    await runner.commitTransaction();
    const afterCommit = await mark();
    expect(appendNotificationsBetween(beforeCommit, afterCommit)).toBe(1);

    await runner.startTransaction();
    await store.append('device-d', [{ type: 'Created', data: {} }], NO_STREAM, meta, runner.manager);
    await runner.rollbackTransaction();
    expect(appendNotificationsBetween(afterCommit, await mark())).toBe(0);
    await runner.release();
  });

  it('coalesces a burst of commits into fewer notifications, the last one sent after the last commit', async () => {
    const start = await mark();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(`device-burst-${i}`, [{ type: 'Created', data: {} }], NO_STREAM, meta)));
    const notified = appendNotificationsBetween(start, await mark());
    expect(notified).toBeGreaterThanOrEqual(1);
    expect(notified).toBeLessThan(50);
  });
});
