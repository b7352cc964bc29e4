import { createTestDatabase, TestDatabase } from '@smi/testing';
import { DataSource } from 'typeorm';
import { ANY, ConcurrencyError, EVENT_STORE_MIGRATIONS, NO_STREAM, PostgresEventStore, UpcasterRegistry } from './index';

const meta = { correlationId: 'req-1', actor: { userId: 'u1', partyId: 'P1', partyType: 'dcc', roles: ['operator'] } };

describe('PostgresEventStore', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('event_store');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: EVENT_STORE_MIGRATIONS, poolSize: 20 }).initialize();
    await dataSource.runMigrations();
    const upcasters = new UpcasterRegistry().register('Renamed', 1, (data) => {
      const { oldName, ...rest } = data as { oldName: string };
      return { ...rest, name: oldName };
    });
    store = new PostgresEventStore(dataSource, { sourceService: 'test', upcasters });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('appends with expected versions and reads the stream back with metadata', async () => {
    const first = await store.append('device-1', [{ type: 'Created', data: { a: 1 } }], NO_STREAM, meta);
    expect(first.nextVersion).toBe(1);
    const second = await store.append('device-1', [{ type: 'Changed', data: { a: 2 } }, { type: 'Changed', data: { a: 3 } }], 1, { ...meta, causationId: 'cmd-9' });
    expect(second.nextVersion).toBe(3);
    const events = await store.readStream('device-1');
    expect(events.map((e) => [e.streamVersion, e.type, e.data])).toEqual([
      [1, 'Created', { a: 1 }],
      [2, 'Changed', { a: 2 }],
      [3, 'Changed', { a: 3 }],
    ]);
    expect(events[1].metadata).toMatchObject({ correlationId: 'req-1', causationId: 'cmd-9', sourceService: 'test', actor: meta.actor });
    expect(await store.streamVersion('device-1')).toBe(3);
    expect(await store.streamVersion('device-none')).toBe(0);
  });

  it('refuses a stale expected version, an existing stream for no_stream, and a version ahead of the stream', async () => {
    await store.append('device-2', [{ type: 'Created', data: {} }], NO_STREAM, meta);
    await expect(store.append('device-2', [{ type: 'Created', data: {} }], NO_STREAM, meta)).rejects.toBeInstanceOf(ConcurrencyError);
    await store.append('device-2', [{ type: 'Changed', data: {} }], 1, meta);
    await expect(store.append('device-2', [{ type: 'Changed', data: {} }], 1, meta)).rejects.toThrow(/expected at 1 but is at 2/);
    await expect(store.append('device-2', [{ type: 'Changed', data: {} }], 5, meta)).rejects.toBeInstanceOf(ConcurrencyError);
    await store.append('device-2', [{ type: 'Changed', data: {} }], ANY, meta);
    expect(await store.streamVersion('device-2')).toBe(3);
  });

  it('lets exactly one of two concurrent writers at the same version win', async () => {
    await store.append('device-3', [{ type: 'Created', data: {} }], NO_STREAM, meta);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.append('device-3', [{ type: 'Changed', data: { i } }], 1, meta)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(7);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(ConcurrencyError);
    expect(await store.streamVersion('device-3')).toBe(2);
  });

  it('appends to many streams atomically: one conflict stores nothing', async () => {
    await store.append('device-4', [{ type: 'Created', data: {} }], NO_STREAM, meta);
    await expect(
      store.appendMany(
        [
          { streamId: 'device-5', events: [{ type: 'Created', data: {} }], expectedVersion: NO_STREAM },
          { streamId: 'device-4', events: [{ type: 'Changed', data: {} }], expectedVersion: 7 },
        ],
        meta,
      ),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.streamVersion('device-5')).toBe(0);
    const ok = await store.appendMany(
      [
        { streamId: 'device-5', events: [{ type: 'Created', data: {} }], expectedVersion: NO_STREAM },
        { streamId: 'device-4', events: [{ type: 'Changed', data: {} }, { type: 'Changed', data: {} }], expectedVersion: 1 },
      ],
      meta,
    );
    expect(ok.map((r) => [r.streamId, r.nextVersion, r.events.length])).toEqual([
      ['device-5', 1, 1],
      ['device-4', 3, 2],
    ]);
    expect(new Set(ok.flatMap((r) => r.events.map((e) => e.transactionId))).size).toBe(1);
  });

  it('refuses an existing stream for no_stream inside a batch, naming it and storing nothing', async () => {
    await store.append('device-10', [{ type: 'Created', data: {} }], NO_STREAM, meta);
    const refused = store.appendMany(
      [
        { streamId: 'device-11', events: [{ type: 'Created', data: {} }], expectedVersion: NO_STREAM },
        { streamId: 'device-10', events: [{ type: 'Created', data: {} }], expectedVersion: NO_STREAM },
      ],
      meta,
    );
    await expect(refused).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(refused).rejects.toMatchObject({ streamId: 'device-10', expectedVersion: NO_STREAM });
    expect(await store.streamVersion('device-11')).toBe(0);
  });

  it('refuses no_stream in a caller transaction without aborting it', async () => {
    await store.append('device-12', [{ type: 'Created', data: {} }], NO_STREAM, meta);
    const stillUsable = await dataSource.transaction(async (manager) => {
      await expect(store.append('device-12', [{ type: 'Created', data: {} }], NO_STREAM, meta, manager)).rejects.toThrow(/expected at no_stream but is at 1/);
      const [row] = await manager.query(`SELECT 1 AS ok`);
      return row.ok;
    });
    expect(stillUsable).toBe(1);
  });

  it('returns what was stored: data as JSON round-trips it and a null body', async () => {
    const [result] = await store.appendMany(
      [{ streamId: 'device-13', events: [{ type: 'Created', data: { at: new Date('2025-01-02T03:04:05Z'), n: 1 } }, { type: 'Touched', data: null }], expectedVersion: NO_STREAM }],
      meta,
    );
    expect(result.events.map((e) => e.data)).toEqual([{ at: '2025-01-02T03:04:05.000Z', n: 1 }, null]);
    expect(await store.readStream('device-13')).toEqual(result.events);
  });

  it('joins the caller transaction so a read model and the events commit or roll back together', async () => {
    await dataSource.query(`CREATE TABLE IF NOT EXISTS inline_model (id text primary key)`);
    await expect(
      dataSource.transaction(async (manager) => {
        await store.append('device-6', [{ type: 'Created', data: {} }], NO_STREAM, meta, manager);
        await manager.query(`INSERT INTO inline_model VALUES ('device-6')`);
        throw new Error('boom after both writes');
      }),
    ).rejects.toThrow('boom');
    expect(await store.streamVersion('device-6')).toBe(0);
    expect(await dataSource.query(`SELECT * FROM inline_model`)).toEqual([]);
  });

  it('reads a stream as of a time', async () => {
    await store.append('device-7', [{ type: 'Created', data: { v: 1 } }], NO_STREAM, meta);
    await new Promise((r) => setTimeout(r, 30));
    const between = new Date();
    await new Promise((r) => setTimeout(r, 30));
    await store.append('device-7', [{ type: 'Changed', data: { v: 2 } }], 1, meta);
    expect((await store.readStream('device-7', { asOf: between })).map((e) => e.data)).toEqual([{ v: 1 }]);
    expect(await store.readStream('device-7')).toHaveLength(2);
  });

  it('upcasts old schema versions on read and never rewrites stored data', async () => {
    await store.append('thing-1', [{ type: 'Renamed', data: { oldName: 'x' }, schemaVersion: 1 }], NO_STREAM, meta);
    await store.append('thing-1', [{ type: 'Renamed', data: { name: 'y' } }], 1, meta);
    const events = await store.readStream('thing-1');
    expect(events.map((e) => [e.schemaVersion, e.data])).toEqual([
      [2, { name: 'x' }],
      [2, { name: 'y' }],
    ]);
    const raw = await dataSource.query(`SELECT schema_version, data FROM events WHERE stream_id = 'thing-1' ORDER BY stream_version`);
    expect(raw).toEqual([
      { schema_version: 1, data: { oldName: 'x' } },
      { schema_version: 2, data: { name: 'y' } },
    ]);
  });

  it('reads all with the stored data as text: the same document, upcast ones in their current shape, data parsed when read', async () => {
    const data = { quote: 'say "hi"\\ \t\n', unicode: 'Zürich – 東京 😀', big: 12345678901234567890, nested: { list: [1, 2.5, null, true] } };
    await store.append('text-1', [{ type: 'Created', data }, { type: 'Touched', data: null }], NO_STREAM, meta);
    await store.append('text-2', [{ type: 'Renamed', data: { oldName: 'z' }, schemaVersion: 1 }], NO_STREAM, meta);
    const all = await store.readAll({ limit: 10_000 });
    const asText = await store.readAll({ limit: 10_000, dataAsText: true });
    const ours = (events: typeof all.events) => events.filter((e) => e.streamId.startsWith('text-'));
    const [created, touched, renamed] = ours(asText.events);
    expect(JSON.parse(created.dataText as string)).toEqual(JSON.parse(JSON.stringify(data)));
    expect(touched.dataText).toBe('null');
    expect(renamed.schemaVersion).toBe(2);
    expect(JSON.parse(renamed.dataText as string)).toEqual({ name: 'z' });
    // Apart from the text, the same events as a plain read: data parsed on first access, metadata and positions alike.
    const withoutText = ours(asText.events).map((event) => {
      const copy = { ...event };
      delete copy.dataText;
      return copy;
    });
    expect(withoutText).toEqual(ours(all.events));
    expect(asText.checkpoint).toEqual(all.checkpoint);
  });

  it('finds every event of one correlation id across streams', async () => {
    const correlationId = 'sr-90-B3:00-DB:77';
    await store.appendMany(
      [
        { streamId: 'device-8', events: [{ type: 'Created', data: {} }], expectedVersion: NO_STREAM },
        { streamId: 'device-9', events: [{ type: 'Created', data: {} }], expectedVersion: NO_STREAM },
      ],
      { correlationId },
    );
    const found = await store.readByCorrelationId(correlationId);
    expect(found.map((e) => e.streamId).sort()).toEqual(['device-8', 'device-9']);
  });
});
