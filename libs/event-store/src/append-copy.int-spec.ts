import { createTestDatabase, TestDatabase } from '@smi/testing';
import { DataSource } from 'typeorm';
import { AppendRequest, ConcurrencyError, EVENT_STORE_MIGRATIONS, NO_STREAM, PostgresEventStore, RecordedEvent } from './index';

const meta = { correlationId: 'copy-1', actor: { userId: 'u1', partyId: 'P1', partyType: 'dcc', roles: ['operator'] } };
const THRESHOLD = 20;

/** Everything COPY's text format treats specially, JSON's escapes, and text outside the BMP. */
const AWKWARD = [
  'plain',
  'double "quotes" and \'single\'',
  'back\\slash, \\N, \\. and a trailing backslash \\',
  'tab\there',
  'new\nline and carriage\r\nreturn',
  '\\.\n\\.',
  'unicode: ÄÖÜ ß € 漢字 🚀 \u2028\u2029',
  'json in a string: {"a": [1, "\\"two\\""]}',
];

function awkwardData(i: number): Record<string, unknown> {
  return {
    i,
    text: AWKWARD[i % AWKWARD.length],
    nested: { list: AWKWARD, n: null, t: true, f: 1.5e-7, big: 12345678901234 },
    ...(i % 7 === 0 ? { large: 'x\t\\y\n'.repeat(50_000) } : {}),
  };
}

/** What a reader gets back, without what the database assigns. */
const stored = (e: RecordedEvent) => [e.streamId, e.streamVersion, e.eventId, e.type, e.schemaVersion, e.data, e.metadata];

describe('appends through COPY FROM STDIN (at or above the threshold)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('event_store_copy');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: EVENT_STORE_MIGRATIONS, poolSize: 5 }).initialize();
    await dataSource.runMigrations();
    store = new PostgresEventStore(dataSource, { sourceService: 'test', copyThreshold: THRESHOLD });
  });

  afterAll(async () => {
    await store?.notificationsSettled();
    await dataSource?.destroy();
    await db?.drop();
  });

  const count = async (prefix: string) =>
    Number(((await dataSource.query(`SELECT count(*) AS n FROM events WHERE stream_id LIKE $1`, [`${prefix}%`])) as Array<{ n: string }>)[0].n);

  it('stores awkward content byte for byte: what the append returns is what readStream and readAll read back', async () => {
    const requests: AppendRequest[] = Array.from({ length: 30 }, (_, i) => ({
      streamId: `awk\t${AWKWARD[i % AWKWARD.length]}-${i}`,
      expectedVersion: NO_STREAM,
      events: [
        { type: `Type\\${i % 3}\n`, data: awkwardData(i), metadata: { note: AWKWARD[(i + 1) % AWKWARD.length] } },
        { type: 'Second', data: i % 2 ? null : [AWKWARD[i % AWKWARD.length]] },
      ],
    }));
    const before = await store.readAll({ limit: 100_000 });
    const results = await store.appendMany(requests, meta);
    const returned = results.flatMap((r) => r.events);
    expect(returned).toHaveLength(60);
    expect(results.map((r) => r.nextVersion)).toEqual(requests.map(() => 2));
    // Positions in the order of the requests, all in one transaction.
    expect(new Set(returned.map((e) => e.transactionId)).size).toBe(1);
    const positions = returned.map((e) => BigInt(e.position));
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
    expect(returned[0].data).toEqual(awkwardData(0));
    expect(returned[0].metadata).toMatchObject({ correlationId: 'copy-1', sourceService: 'test', note: AWKWARD[1] });

    for (const [i, request] of requests.entries()) {
      const read = await store.readStream(request.streamId);
      expect(read.map(stored)).toEqual(results[i].events.map(stored));
      expect(read.map((e) => [e.position, e.transactionId, e.recordedAt.getTime()])).toEqual(
        results[i].events.map((e) => [e.position, e.transactionId, e.recordedAt.getTime()]),
      );
    }
    const all = await store.readAll({ after: before.checkpoint, limit: 100_000 });
    expect(all.events).toEqual(returned);
    // Byte for byte: the stored documents are the ones sent, not a re-encoding of them.
    const [{ same }] = (await dataSource.query(`SELECT data = $1::jsonb AS same FROM events WHERE event_id = $2`, [
      JSON.stringify(awkwardData(7)),
      results[7].events[0].eventId,
    ])) as Array<{ same: boolean }>;
    expect(same).toBe(true);
  });

  it('refuses a conflict inside a COPY batch with the ConcurrencyError and stores nothing of the batch', async () => {
    await store.append('clash-taken', [{ type: 'Created', data: {} }], NO_STREAM, meta);
    const requests: AppendRequest[] = Array.from({ length: THRESHOLD * 2 }, (_, i) => ({
      streamId: i === THRESHOLD ? 'clash-taken' : `clash-${i}`,
      expectedVersion: NO_STREAM,
      events: [{ type: 'Created', data: { i } }],
    }));
    const error = await store.appendMany(requests, meta).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect((error as ConcurrencyError).streamId).toBe('clash-taken');
    expect(await count('clash-')).toBe(1);
    // The store's connection is usable afterwards.
    await store.appendMany(requests.filter((r) => r.streamId !== 'clash-taken'), meta);
    expect(await count('clash-')).toBe(THRESHOLD * 2);
  });

  it('refuses a stale expected version checked before the COPY, storing nothing', async () => {
    await store.append('stale-1', [{ type: 'Created', data: {} }], NO_STREAM, meta);
    const requests: AppendRequest[] = [
      { streamId: 'stale-1', expectedVersion: 5, events: [{ type: 'Changed', data: {} }] },
      ...Array.from({ length: THRESHOLD }, (_, i) => ({ streamId: `stale-new-${i}`, expectedVersion: NO_STREAM, events: [{ type: 'Created', data: {} }] })),
    ];
    await expect(store.appendMany(requests, meta)).rejects.toThrow(/expected at 5 but is at 1/);
    expect(await count('stale-')).toBe(1);
  });

  it("joins the caller's transaction: its rollback stores nothing, its commit stores every event after the caller's own", async () => {
    const requests = (prefix: string): AppendRequest[] =>
      Array.from({ length: THRESHOLD * 3 }, (_, i) => ({ streamId: `${prefix}-${i}`, expectedVersion: NO_STREAM, events: [{ type: 'Created', data: { i } }] }));
    await expect(
      dataSource.transaction(async (manager) => {
        const [result] = await store.appendMany(requests('rolled'), meta, manager);
        expect(result.events[0].position).toBeDefined();
        throw new Error('caller fails after the append');
      }),
    ).rejects.toThrow('caller fails');
    expect(await count('rolled-')).toBe(0);

    const written = await dataSource.transaction(async (manager) => {
      // An earlier append in the same transaction: the COPY's read-back must not take its positions.
      const small = await store.append('kept-first', [{ type: 'Created', data: {} }], NO_STREAM, meta, manager);
      const copied = await store.appendMany(requests('kept'), meta, manager);
      return [...small.events, ...copied.flatMap((r) => r.events)];
    });
    expect(written).toHaveLength(THRESHOLD * 3 + 1);
    expect(new Set(written.map((e) => e.transactionId)).size).toBe(1);
    for (const event of written.slice(1, 4)) expect((await store.readStream(event.streamId)).map(stored)).toEqual([stored(event)]);
    expect(written.map((e) => e.streamId)).toEqual(['kept-first', ...requests('kept').map((r) => r.streamId)]);
  });

  it('stores a batch of many thousands of events in one call (sent in several COPY chunks)', async () => {
    const requests: AppendRequest[] = Array.from({ length: 5_000 }, (_, i) => ({
      streamId: `bulk-${i}`,
      expectedVersion: NO_STREAM,
      events: [{ type: 'Created', data: { i, pad: 'p'.repeat(300) } }],
    }));
    const results = await store.appendMany(requests, meta);
    expect(results.map((r) => r.events[0].data)).toEqual(requests.map((r) => r.events[0].data));
    expect(await count('bulk-')).toBe(5_000);
  });
});
