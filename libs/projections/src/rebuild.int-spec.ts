import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@smi/event-store';
import { createTestDatabase, TestDatabase, waitFor } from '@smi/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AsyncProjectionRunner, PROJECTION_MIGRATIONS, RebuildProgress } from './index';
import { collectingLogger, deviceStatusCounts, registerDevices, storedCheckpoint, tableExists, viewTotal } from './test-support/device-status-counts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Background traffic around a rebuild: a writer appending registrations and a reader querying the
 * stable view every few milliseconds, recording every error and every total smaller than the last.
 */
class Traffic {
  appended: number;
  reads = 0;
  readerErrors: unknown[] = [];
  decreases: Array<{ before: number; after: number }> = [];
  private running = true;
  private writer?: Promise<void>;
  private reader?: Promise<void>;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly dataSource: DataSource,
    private readonly view: string,
    private readonly eventType: string,
    alreadyAppended: number,
  ) {
    this.appended = alreadyAppended;
  }

  start(): void {
    this.writer = (async () => {
      for (let i = 0; this.running; i++) {
        await registerDevices(this.store, `${this.view}-w${i}`, 20, this.eventType, 20);
        this.appended += 20;
        await sleep(3);
      }
    })();
    this.reader = (async () => {
      let last = 0;
      while (this.running) {
        try {
          const total = await viewTotal(this.dataSource, this.view);
          if (total < last) this.decreases.push({ before: last, after: total });
          last = Math.max(last, total);
          this.reads += 1;
        } catch (error) {
          this.readerErrors.push(error);
        }
        await sleep(2);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([this.writer, this.reader]);
  }

  /** Resolves once the writer appended and the reader read at least this much more than now. */
  async progressed(events: number, reads: number): Promise<void> {
    const appended = this.appended;
    const done = this.reads;
    await waitFor(() => this.appended >= appended + events && this.reads >= done + reads, 20_000, 'traffic during the rebuild');
  }
}

describe('rebuilding a projection without downtime', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  const runners: AsyncProjectionRunner[] = [];
  const extraDataSources: DataSource[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('projection_rebuild');
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

  async function activeTable(projection: string): Promise<{ active_table: string; active_version: number; rebuilding_table: string | null }> {
    const rows = await dataSource.query(`SELECT active_table, active_version, rebuilding_table FROM projection_state WHERE projection = $1`, [projection]);
    return rows[0];
  }

  async function viewColumns(view: string): Promise<string[]> {
    const rows: Array<{ column_name: string }> = await dataSource.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [view],
    );
    return rows.map((r) => r.column_name);
  }

  it('(c) serves reads through the view during a rebuild, switches without losing an event, drops the old table', async () => {
    const eventType = 'C.DeviceRegistered';
    const name = 'device_counts_c';
    const traffic = new Traffic(store, dataSource, name, eventType, 5000);
    let overlapped = false;
    const projection = deviceStatusCounts({
      name,
      eventType,
      // Holds the rebuild's first batch until writes and reads have happened meanwhile, so the overlap is certain.
      afterWrite: async (_events, table) => {
        if (table === `${name}_v2` && !overlapped) {
          await traffic.progressed(200, 20);
          overlapped = true;
        }
      },
    });
    await registerDevices(store, 'c0', 5000, eventType, 500);
    const { logger, lines } = collectingLogger();
    const runner = new AsyncProjectionRunner({ dataSource, store, projections: [projection], batchSize: 500, pollIntervalMs: 200, logger });
    runners.push(runner);
    await runner.start();
    await waitFor(async () => (await viewTotal(dataSource, name)) === 5000, 20_000, 'initial catch-up');

    traffic.start();
    const progress: RebuildProgress[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        progress.push(await runner.rebuildProgress(name));
        await sleep(5);
      }
    })();

    const started = Date.now();
    await runner.rebuild(name);
    const rebuildMs = Date.now() - started;
    await traffic.progressed(100, 20); // keep writing and reading after the switch too
    await traffic.stop();
    polling = false;
    await poller;

    expect(overlapped).toBe(true);
    expect(traffic.readerErrors).toEqual([]);
    expect(traffic.decreases).toEqual([]);
    // No event lost at the switch: the new table ends with exactly everything appended.
    await waitFor(async () => (await viewTotal(dataSource, name)) === traffic.appended, 20_000, 'all appended events in the view');
    expect((await storedCheckpoint(dataSource, name, `${name}_v2`))?.processed).toBe(traffic.appended);
    expect(await activeTable(name)).toEqual({ active_table: `${name}_v2`, active_version: 1, rebuilding_table: null });
    expect(await tableExists(dataSource, `${name}_v1`)).toBe(false);
    expect(await storedCheckpoint(dataSource, name, `${name}_v1`)).toBeUndefined();

    // Progress only went up while rebuilding, and the rebuild reached 100% of the events there were at its start.
    const whileRebuilding = progress.filter((p) => p.rebuilding);
    expect(whileRebuilding.length).toBeGreaterThan(0);
    whileRebuilding.forEach((p, i) => {
      expect(p.table).toBe(`${name}_v2`);
      expect(p.total).toBeGreaterThanOrEqual(5000);
      if (i > 0) expect(p.percent).toBeGreaterThanOrEqual(whileRebuilding[i - 1].percent);
    });
    const completed = lines.find((l) => l.message.startsWith('projection rebuild complete'));
    expect(completed?.fields).toMatchObject({ from: `${name}_v1`, to: `${name}_v2`, view: 'replaced', percent: 100 });
    expect(Number(completed?.fields?.processed)).toBeGreaterThanOrEqual(Number(completed?.fields?.total));
    expect(await runner.rebuildProgress(name)).toMatchObject({ rebuilding: false, table: `${name}_v2`, percent: 100 });
    expect((await runner.readModelStatus())[0]).toMatchObject({ activeTable: `${name}_v2`, lag: 0 });

    // Same code after a restart: the rebuilt table is current, nothing is rebuilt again.
    await runner.stop();
    const restarted = new AsyncProjectionRunner({ dataSource, store, projections: [projection], pollIntervalMs: 200 });
    runners.push(restarted);
    await restarted.start();
    expect(await activeTable(name)).toEqual({ active_table: `${name}_v2`, active_version: 1, rebuilding_table: null });
    console.log(`(c) rebuild of ${5000} + concurrent events took ${rebuildMs} ms; ${traffic.reads} reads, ${traffic.appended} events, no reader error`);
  });

  it('(e) a rolling upgrade to a new shape rebuilds automatically while the old instance keeps the view live, then drops and re-creates the view', async () => {
    const eventType = 'E.DeviceRegistered';
    const name = 'device_counts_e';
    await registerDevices(store, 'e0', 3000, eventType, 500);

    const oldInstance = new AsyncProjectionRunner({ dataSource, store, projections: [deviceStatusCounts({ name, eventType })], batchSize: 500, pollIntervalMs: 100 });
    runners.push(oldInstance);
    await oldInstance.start();
    await waitFor(async () => (await viewTotal(dataSource, name)) === 3000, 20_000, 'initial catch-up');
    expect(await viewColumns(name)).toEqual(['status', 'total']);

    const traffic = new Traffic(store, dataSource, name, eventType, 3000);
    traffic.start();
    let overlapped = false;
    const upgraded = deviceStatusCounts({
      name,
      eventType,
      version: 2,
      shape: 'v2',
      afterWrite: async (_events, table) => {
        if (table === `${name}_v2` && !overlapped) {
          await traffic.progressed(200, 20);
          overlapped = true;
        }
      },
    });
    const newDataSource = await new DataSource({ type: 'postgres', url: db.url, poolSize: 20 }).initialize();
    extraDataSources.push(newDataSource);
    const { logger, lines } = collectingLogger();
    const newInstance = new AsyncProjectionRunner({ dataSource: newDataSource, store: new PostgresEventStore(newDataSource, { sourceService: 'new' }), projections: [upgraded], batchSize: 500, pollIntervalMs: 100, logger });
    runners.push(newInstance);
    await newInstance.start();
    expect(await activeTable(name)).toEqual({ active_table: `${name}_v1`, active_version: 1, rebuilding_table: `${name}_v2` });

    await waitFor(async () => (await activeTable(name)).active_table === `${name}_v2`, 60_000, 'the automatic rebuild to switch');
    await traffic.progressed(100, 20);
    await traffic.stop();

    expect(overlapped).toBe(true);
    expect(traffic.readerErrors).toEqual([]);
    expect(traffic.decreases).toEqual([]);
    await waitFor(async () => (await viewTotal(dataSource, name)) === traffic.appended, 20_000, 'all appended events in the view');
    expect(await viewColumns(name)).toEqual(['status', 'first_position', 'total']);
    expect(await activeTable(name)).toEqual({ active_table: `${name}_v2`, active_version: 2, rebuilding_table: null });
    await waitFor(async () => !(await tableExists(dataSource, `${name}_v1`)), 20_000, 'the old table to be dropped');
    expect(lines.find((l) => l.message.startsWith('projection rebuild complete'))?.fields).toMatchObject({ view: 'recreated', percent: 100 });
    expect((await newInstance.readModelStatus())[0]).toMatchObject({ activeTable: `${name}_v2`, lag: 0 });
    // The old code stops touching a read model of a shape it does not know.
    expect((await oldInstance.readModelStatus())[0].activeTable).toBe(`${name}_v2`);
    console.log(`(e) upgrade: ${traffic.reads} reads, ${traffic.appended} events, no reader error`);
  });
  it('(f) a reader queued behind the switch that drops and re-creates the view gets the new view, not "relation does not exist"', async () => {
    const eventType = 'F.DeviceRegistered';
    const name = 'device_counts_f';
    await registerDevices(store, 'f0', 1000, eventType, 500);
    const oldInstance = new AsyncProjectionRunner({ dataSource, store, projections: [deviceStatusCounts({ name, eventType })], pollIntervalMs: 100 });
    runners.push(oldInstance);
    await oldInstance.start();
    await waitFor(async () => (await viewTotal(dataSource, name)) === 1000, 20_000, 'initial catch-up');
    await oldInstance.stop();

    const holder = new Client({ connectionString: db.url, application_name: 'view-holder' });
    const queued = new Client({ connectionString: db.url, application_name: 'view-queued' });
    await Promise.all([holder.connect(), queued.connect()]);
    try {
      // An open transaction that read the view keeps its lock, so the switch must wait for it.
      await holder.query('BEGIN');
      await holder.query(`SELECT sum(total) FROM "${name}"`);

      const upgraded = new AsyncProjectionRunner({
        dataSource,
        store,
        projections: [deviceStatusCounts({ name, eventType, version: 2, shape: 'v2' })],
        pollIntervalMs: 100,
      });
      runners.push(upgraded);
      await upgraded.start();
      const waitingOnLock = (query: string) => async () => {
        const rows: unknown[] = await dataSource.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
          [query],
        );
        return rows.length > 0;
      };
      await waitFor(waitingOnLock('DROP VIEW%'), 20_000, 'the switch to wait for the view lock');

      // This reader resolved the old view's name before the switch commits and now queues behind it.
      const read = queued.query<Record<string, unknown>>(`SELECT * FROM "${name}" ORDER BY status`).then(
        (r) => ({ columns: r.fields.map((f) => f.name), total: r.rows.reduce((n, row) => n + Number(row.total), 0) }),
        (error: Error) => ({ error: error.message }),
      );
      await waitFor(waitingOnLock('SELECT * FROM%'), 20_000, 'the reader to queue behind the switch');
      await holder.query('COMMIT');

      // The new view's columns prove the reader went through the re-created view.
      expect(await read).toEqual({ columns: ['status', 'first_position', 'total'], total: 1000 });
      await waitFor(async () => (await activeTable(name)).active_table === `${name}_v2`, 20_000, 'the switch');
      expect(await viewColumns(name)).toEqual(['status', 'first_position', 'total']);
      await waitFor(async () => !(await tableExists(dataSource, `${name}_v1`)), 20_000, 'the old table to be dropped');
    } finally {
      await Promise.all([holder.end(), queued.end()]);
    }
  });
  it('(g) a long reader of the view delays the switch only by a bounded lock wait, and the rebuild switches once it is gone', async () => {
    const eventType = 'G.DeviceRegistered';
    const name = 'device_counts_g';
    await registerDevices(store, 'g0', 800, eventType, 400);
    const { logger, lines } = collectingLogger();
    const runner = new AsyncProjectionRunner({ dataSource, store, projections: [deviceStatusCounts({ name, eventType })], pollIntervalMs: 100, logger });
    runners.push(runner);
    await runner.start();
    await waitFor(async () => (await viewTotal(dataSource, name)) === 800, 20_000, 'initial catch-up');

    const longReader = new Client({ connectionString: db.url });
    await longReader.connect();
    try {
      await longReader.query('BEGIN');
      await longReader.query(`SELECT sum(total) FROM "${name}"`);
      const target = await runner.startRebuild(name);
      expect(target).toBe(`${name}_v2`);
      // The loop gives up on the view lock instead of queueing every reader behind the long one …
      await waitFor(() => lines.some((l) => l.level === 'error' && /lock timeout/.test(String(l.fields?.error))), 20_000, 'the switch to time out');
      expect(await activeTable(name)).toMatchObject({ active_table: `${name}_v1`, rebuilding_table: `${name}_v2` });
      expect(await viewTotal(dataSource, name)).toBe(800); // other readers were served meanwhile
      await longReader.query('COMMIT');
      // … and switches on a later attempt.
      await waitFor(async () => (await activeTable(name)).active_table === `${name}_v2`, 30_000, 'the switch after the reader finished');
      expect(await viewTotal(dataSource, name)).toBe(800);
      expect(await tableExists(dataSource, `${name}_v1`)).toBe(false);
    } finally {
      await longReader.end();
    }
  });
});
