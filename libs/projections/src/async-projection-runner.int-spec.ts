import { EVENT_STORE_MIGRATIONS, GlobalCheckpoint, PostgresEventStore, START } from '@smi/event-store';
import { createTestDatabase, TestDatabase, waitFor } from '@smi/testing';
import { DataSource } from 'typeorm';
import { AsyncProjectionRunner, PROJECTION_MIGRATIONS } from './index';
import { collectingLogger, deviceStatusCounts, registerDevices, storedCheckpoint, STATUSES, viewTotal } from './test-support/device-status-counts';

describe('AsyncProjectionRunner against the real PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  const runners: AsyncProjectionRunner[] = [];
  const extraDataSources: DataSource[] = [];

  const connect = () => new DataSource({ type: 'postgres', url: db.url, poolSize: 20 }).initialize();

  beforeAll(async () => {
    db = await createTestDatabase('projections');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, poolSize: 20, migrations: [...EVENT_STORE_MIGRATIONS, ...PROJECTION_MIGRATIONS] }).initialize();
    await dataSource.runMigrations();
    store = new PostgresEventStore(dataSource, { sourceService: 'projections-test' });
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await Promise.all(extraDataSources.splice(0).map((d) => d.destroy()));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  function runner(options: Partial<ConstructorParameters<typeof AsyncProjectionRunner>[0]> & Pick<ConstructorParameters<typeof AsyncProjectionRunner>[0], 'projections'>) {
    const r = new AsyncProjectionRunner({ dataSource, store, pollIntervalMs: 200, ...options });
    runners.push(r);
    return r;
  }

  /** The checkpoint a reader of only `eventType` ends at: what the projection's checkpoint must equal once caught up. */
  async function endOf(eventType: string): Promise<GlobalCheckpoint> {
    let checkpoint = START;
    for (;;) {
      const page = await store.readAll({ after: checkpoint, limit: 1000, eventTypes: [eventType] });
      if (page.events.length === 0) return checkpoint;
      checkpoint = page.checkpoint;
    }
  }

  async function countsByStatus(table: string): Promise<Record<string, number>> {
    const rows: Array<{ status: string; total: string }> = await dataSource.query(`SELECT status, total::text AS total FROM "${table}" ORDER BY status`);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.total)]));
  }

  it('(a) catches up with checkpoint and table agreeing, and a restarted runner continues without re-applying', async () => {
    const eventType = 'A.DeviceRegistered';
    const projection = deviceStatusCounts({ name: 'device_counts_a', eventType });
    await registerDevices(store, 'a1', 1200, eventType);

    const first = runner({ projections: [projection], batchSize: 500 });
    await first.start();
    await waitFor(async () => (await viewTotal(dataSource, 'device_counts_a')) === 1200, 20_000, 'initial catch-up');
    expect(await countsByStatus('device_counts_a')).toEqual(Object.fromEntries(STATUSES.map((s) => [s, 300])));
    const caughtUp = await storedCheckpoint(dataSource, 'device_counts_a', 'device_counts_a_v1');
    expect(caughtUp?.processed).toBe(1200);
    expect({ transactionId: caughtUp?.transactionId, position: caughtUp?.position }).toEqual(await endOf(eventType));

    // Appends while running arrive through the notification.
    await registerDevices(store, 'a2', 300, eventType);
    await waitFor(async () => (await viewTotal(dataSource, 'device_counts_a')) === 1500, 20_000, 'live update');
    const [status] = await first.readModelStatus();
    expect(status).toMatchObject({ projection: 'device_counts_a', activeTable: 'device_counts_a_v1', lag: 0 });
    expect(status.checkpoint).toEqual(await endOf(eventType));
    await first.stop();

    await registerDevices(store, 'a3', 250, eventType);
    const appliedBeforeRestart = projection.appliedEvents;
    const second = runner({ projections: [projection], batchSize: 500 });
    await second.start();
    await waitFor(async () => (await viewTotal(dataSource, 'device_counts_a')) === 1750, 20_000, 'catch-up after restart');
    await waitFor(async () => (await second.readModelStatus())[0].lag === 0, 20_000, 'no lag');

    expect(projection.appliedEvents - appliedBeforeRestart).toBe(250); // only what was appended while stopped
    expect((await countsByStatus('device_counts_a'))).toEqual({ installed: 438, commissioned: 438, suspended: 437, decommissioned: 437 });
    const afterRestart = await storedCheckpoint(dataSource, 'device_counts_a', 'device_counts_a_v1');
    expect(afterRestart?.processed).toBe(1750);
    expect({ transactionId: afterRestart?.transactionId, position: afterRestart?.position }).toEqual(await endOf(eventType));
  });

  it('(b) an error inside apply rolls back the table changes and the checkpoint, and the batch is retried later', async () => {
    const eventType = 'B.DeviceRegistered';
    let failing = true;
    let failures = 0;
    const projection = deviceStatusCounts({
      name: 'device_counts_b',
      eventType,
      afterWrite: () => {
        if (failing) {
          failures += 1;
          throw new Error('projection bug: cannot handle this event');
        }
      },
    });
    const { logger, lines } = collectingLogger();
    const r = runner({ projections: [projection], batchSize: 500, pollIntervalMs: 100, logger });
    await r.start();
    await registerDevices(store, 'b', 400, eventType);

    await waitFor(() => failures >= 2, 20_000, 'a failed attempt and its retry');
    // The rows written before the throw are gone and the checkpoint never moved onto one of its events. (It may
    // have moved past the earlier tests' events of other types, if the runner read before these were appended.)
    expect(await viewTotal(dataSource, 'device_counts_b')).toBe(0);
    const stored = await storedCheckpoint(dataSource, 'device_counts_b', 'device_counts_b_v1');
    expect(stored?.processed).toBe(0);
    const [{ beforeEvery }]: Array<{ beforeEvery: boolean }> = await dataSource.query(
      `SELECT bool_and(($1::xid8, $2::bigint) < (transaction_id, position)) AS "beforeEvery" FROM events WHERE event_type = $3`,
      [stored?.transactionId, stored?.position, eventType],
    );
    expect(beforeEvery).toBe(true);
    const [failed] = await r.readModelStatus();
    expect(failed.lastError).toMatch(/projection bug/);
    expect(failed.lag).toBe(400);
    expect(lines.some((l) => l.level === 'error' && String(l.fields?.error).includes('projection bug'))).toBe(true);

    failing = false;
    await waitFor(async () => (await viewTotal(dataSource, 'device_counts_b')) === 400, 20_000, 'recovery after the fix');
    expect(await countsByStatus('device_counts_b')).toEqual(Object.fromEntries(STATUSES.map((s) => [s, 100])));
    expect((await storedCheckpoint(dataSource, 'device_counts_b', 'device_counts_b_v1'))?.processed).toBe(400);
    const [recovered] = await r.readModelStatus();
    expect(recovered.lastError).toBeUndefined();
    expect(recovered.lag).toBe(0);
  });

  it('(e) a read model of a rare type keeps its checkpoint past the other types, so it does not scan them again', async () => {
    const eventType = 'E.DeviceRegistered';
    const projection = deviceStatusCounts({ name: 'device_counts_e', eventType });
    await registerDevices(store, 'e1', 8, eventType);
    const r = runner({ projections: [projection], batchSize: 500 });
    await r.start();
    await waitFor(async () => (await viewTotal(dataSource, 'device_counts_e')) === 8, 20_000, 'initial catch-up');

    // Many events of another type, none of the read model's: its checkpoint follows the store's end, applying nothing.
    await registerDevices(store, 'e-other', 600, 'E.SomethingElse');
    const end = await storeEnd();
    await waitFor(async () => {
      const stored = await storedCheckpoint(dataSource, 'device_counts_e', 'device_counts_e_v1');
      return stored?.transactionId === end.transactionId && stored.position === end.position;
    }, 20_000, 'the checkpoint past the other events');
    expect((await storedCheckpoint(dataSource, 'device_counts_e', 'device_counts_e_v1'))?.processed).toBe(8);
    expect(projection.appliedEvents).toBe(8);
    expect((await r.readModelStatus())[0]).toMatchObject({ lag: 0, checkpoint: end });

    // And one of its type after them is still applied.
    await registerDevices(store, 'e2', 1, eventType);
    await waitFor(async () => (await viewTotal(dataSource, 'device_counts_e')) === 9, 20_000, 'the next event of its type');
  });

  /** The last event every reader can see: where an untyped reader ends. */
  async function storeEnd(): Promise<GlobalCheckpoint> {
    let checkpoint = START;
    for (;;) {
      const page = await store.readAll({ after: checkpoint, limit: 1000 });
      if (page.events.length === 0) return checkpoint;
      checkpoint = page.checkpoint;
    }
  }

  it('(d) two runners of the same projection at once never apply a batch twice', async () => {
    const eventType = 'D.DeviceRegistered';
    const instances = await Promise.all([connect(), connect()]);
    extraDataSources.push(...instances);
    const projections = instances.map(() => deviceStatusCounts({ name: 'device_counts_d', eventType }));
    const [one, two] = instances.map((ds, i) => {
      const r = new AsyncProjectionRunner({ dataSource: ds, store: new PostgresEventStore(ds, { sourceService: `instance-${i}` }), projections: [projections[i]], batchSize: 50, pollIntervalMs: 50 });
      runners.push(r);
      return r;
    });
    // Both start at once: creating the read model is serialised by the projection lock.
    await Promise.all([one.start(), two.start()]);

    // Several writers with small transactions give both runners many chances to race for the same batch.
    await Promise.all(Array.from({ length: 4 }, (_, w) => registerDevices(store, `d${w}`, 750, eventType, 25)));
    await waitFor(async () => (await viewTotal(dataSource, 'device_counts_d')) === 3000, 30_000, 'both runners caught up');
    await waitFor(async () => (await one.readModelStatus())[0].lag === 0, 20_000, 'no lag');

    expect(await viewTotal(dataSource, 'device_counts_d')).toBe(3000);
    // Each writer registers devices 0..749, statuses cycling: 188, 188, 187, 187 per writer.
    expect(await countsByStatus('device_counts_d')).toEqual({ installed: 752, commissioned: 752, suspended: 748, decommissioned: 748 });
    expect((await storedCheckpoint(dataSource, 'device_counts_d', 'device_counts_d_v1'))?.processed).toBe(3000);
    // Not even an attempt was repeated: every event went through exactly one apply, on one instance or the other.
    expect(projections[0].appliedEvents + projections[1].appliedEvents).toBe(3000);
    console.log(`(d) events applied by instance one: ${projections[0].appliedEvents}, by instance two: ${projections[1].appliedEvents}`);
  });
});
