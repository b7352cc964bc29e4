import { createTestDatabase, TestDatabase, waitFor } from '@smi/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { APPEND_CHANNEL, EVENT_STORE_MIGRATIONS, NO_STREAM, PostgresEventStore } from './index';

const meta = { correlationId: 'notify-1' };
/** Long enough for a notification sent at commit to have arrived on the same machine. */
const QUIET_MS = 300;

describe('append notifications, sent after the appending transaction commits', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let listener: Client;
  let received = 0;

  beforeAll(async () => {
    db = await createTestDatabase('append_notifier');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: EVENT_STORE_MIGRATIONS }).initialize();
    await dataSource.runMigrations();
    store = new PostgresEventStore(dataSource, { sourceService: 'test' });
    listener = new Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => {
      if (n.channel === APPEND_CHANNEL) received++;
    });
    await listener.query(`LISTEN ${APPEND_CHANNEL}`);
  });

  afterAll(async () => {
    await listener?.end();
    await dataSource?.destroy();
    await db?.drop();
  });

  const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

  it('no longer has a NOTIFY trigger inside the appending transaction', async () => {
    const triggers: unknown[] = await dataSource.query(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'events'::regclass AND NOT tgisinternal`);
    expect(triggers).toEqual([]);
  });

  it('notifies after an append in its own transaction', async () => {
    const before = received;
    await store.append('device-a', [{ type: 'Created', data: {} }], NO_STREAM, meta);
    await waitFor(() => received > before, 5_000, 'the notification');
  });

  it("notifies only once the caller's transaction commits, and not at all when it rolls back", async () => {
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    const before = received;
    await store.append('device-b', [{ type: 'Created', data: {} }], NO_STREAM, meta, runner.manager);
    // A nested transaction's savepoint released is not yet a commit.
    await runner.startTransaction();
    await store.append('device-c', [{ type: 'Created', data: {} }], NO_STREAM, meta, runner.manager);
    await runner.commitTransaction();
    await quiet();
    expect(received).toBe(before);
    await runner.commitTransaction();
    await waitFor(() => received > before, 5_000, 'the notification after commit');

    const afterCommit = received;
    await runner.startTransaction();
    await store.append('device-d', [{ type: 'Created', data: {} }], NO_STREAM, meta, runner.manager);
    await runner.rollbackTransaction();
    await store.notificationsSettled();
    await quiet();
    expect(received).toBe(afterCommit);
    await runner.release();
  });

  it('coalesces a burst of commits into fewer notifications, the last one sent after the last commit', async () => {
    await store.notificationsSettled();
    await quiet();
    const before = received;
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(`device-burst-${i}`, [{ type: 'Created', data: {} }], NO_STREAM, meta)));
    await store.notificationsSettled();
    await waitFor(() => received > before, 5_000, 'at least one notification');
    await quiet();
    expect(received - before).toBeGreaterThanOrEqual(1);
    expect(received - before).toBeLessThan(50);
  });
});
