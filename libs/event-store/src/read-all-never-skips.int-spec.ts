import { createTestDatabase, TestDatabase } from '@smi/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ANY, EVENT_STORE_MIGRATIONS, GlobalCheckpoint, PostgresEventStore, RecordedEvent, START } from './index';

const meta = { correlationId: 'no-skip' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('readAll never skips an event', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('no_skip');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: EVENT_STORE_MIGRATIONS, poolSize: 30 }).initialize();
    await dataSource.runMigrations();
    store = new PostgresEventStore(dataSource, { sourceService: 'test' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('holds back a later commit until an earlier position commits (the classic skipped-event bug)', async () => {
    const slow = new Client({ connectionString: db.url });
    await slow.connect();
    try {
      const before = (await drain(store, START)).checkpoint;
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata)
         VALUES ('slow-1', 1, gen_random_uuid(), 'Slow', '{}', '{"correlationId":"x","sourceService":"test"}')`,
      );
      // A later transaction takes a higher position and commits first.
      await store.append('fast-1', [{ type: 'Fast', data: {} }], ANY, meta);
      const naive: Array<{ stream_id: string }> = await dataSource.query(
        `SELECT stream_id FROM events WHERE position > (SELECT coalesce(max(position), 0) FROM events WHERE stream_id NOT IN ('slow-1','fast-1')) ORDER BY position`,
      );
      expect(naive.map((r) => r.stream_id)).toEqual(['fast-1']); // what a position-ordered reader would see and then move past
      const whileInFlight = await store.readAll({ after: before });
      expect(whileInFlight.events).toHaveLength(0);
      await slow.query('COMMIT');
      const after = await drain(store, before);
      expect(after.events.map((e) => e.streamId)).toEqual(['slow-1', 'fast-1']);
    } finally {
      await slow.end();
    }
  });

  it('is not held back by a transaction in another database of the same server', async () => {
    const other = await createTestDatabase('no_skip_other');
    const elsewhere = new Client({ connectionString: other.url });
    await elsewhere.connect();
    try {
      const before = (await drain(store, START)).checkpoint;
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()'); // a transaction id, as any writing transaction has
      const { events } = await store.append('beside-1', [{ type: 'Beside', data: {} }], ANY, meta);
      const page = await store.readAll({ after: before });
      expect(page.events.map((e) => e.eventId)).toEqual([events[0].eventId]);
      await elsewhere.query('ROLLBACK');
    } finally {
      await elsewhere.end();
      await other.drop();
    }
  });

  it('a read by types continues past the other types, up to the last event safe to read and never past one in flight', async () => {
    const slow = new Client({ connectionString: db.url });
    await slow.connect();
    try {
      const before = (await drain(store, START)).checkpoint;
      await store.append('rare-1', [{ type: 'Rare', data: {} }], ANY, meta);
      const common = await store.append('common-1', Array.from({ length: 30 }, (_, n) => ({ type: 'Common', data: { n } })), ANY, meta);
      const lastCommon = common.events[29];

      const first = await store.readAll({ after: before, limit: 10, eventTypes: ['Rare'] });
      expect(first.events.map((e) => e.streamId)).toEqual(['rare-1']);
      // The 30 Common events were scanned once: the next read by type starts after them.
      expect(first.checkpoint).toEqual({ transactionId: lastCommon.transactionId, position: lastCommon.position });
      expect(await store.readAll({ after: first.checkpoint, limit: 10, eventTypes: ['Rare'] })).toEqual({ events: [], checkpoint: first.checkpoint });

      // A full page stops at its last event: there may be more of the type after it.
      await store.append('rare-2', [1, 2, 3].map((n) => ({ type: 'Rare', data: { n } })), ANY, meta);
      await store.append('common-2', [{ type: 'Common', data: {} }], ANY, meta);
      const full = await store.readAll({ after: first.checkpoint, limit: 2, eventTypes: ['Rare'] });
      expect(full.events.map((e) => e.streamVersion)).toEqual([1, 2]);
      expect(full.checkpoint).toEqual({ transactionId: full.events[1].transactionId, position: full.events[1].position });
      const rest = await store.readAll({ after: full.checkpoint, limit: 2, eventTypes: ['Rare'] });
      expect(rest.events.map((e) => e.streamVersion)).toEqual([3]);
      const tail = (await drain(store, full.checkpoint)).checkpoint;
      expect(rest.checkpoint).toEqual(tail);

      // A Rare event in a transaction still open holds the checkpoint before it, whatever commits after it.
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata)
         VALUES ('rare-slow', 1, gen_random_uuid(), 'Rare', '{}', '{"correlationId":"x","sourceService":"test"}')`,
      );
      await store.append('common-3', [{ type: 'Common', data: {} }], ANY, meta);
      const whileInFlight = await store.readAll({ after: rest.checkpoint, limit: 10, eventTypes: ['Rare'] });
      expect(whileInFlight).toEqual({ events: [], checkpoint: rest.checkpoint });
      await slow.query('COMMIT');
      const afterCommit = await store.readAll({ after: whileInFlight.checkpoint, limit: 10, eventTypes: ['Rare'] });
      expect(afterCommit.events.map((e) => e.streamId)).toEqual(['rare-slow']);
    } finally {
      await slow.end();
    }
  });

  it('every concurrent reader sees every committed event exactly once, in per-stream order', async () => {
    const start = (await drain(store, START)).checkpoint;
    const writers = 24;
    const transactionsPerWriter = 20;
    const committed = new Set<string>();
    const committedF = new Set<string>();
    const rolledBack = new Set<string>();
    let writing = true;

    const readers = Array.from({ length: 4 }, (_, r) => pollUntilStopped(store, start, () => writing, 3 + r * 7));
    // Readers of one type continue past the other type's events (ReadAllResult.checkpoint), and must still see each of theirs.
    const typedReaders = Array.from({ length: 2 }, (_, r) => pollUntilStopped(store, start, () => writing, 2 + r * 5, ['F']));

    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let t = 0; t < transactionsPerWriter; t++) {
          const rollback = Math.random() < 0.1;
          const ids: string[] = [];
          const fs: string[] = [];
          await dataSource
            .transaction(async (manager) => {
              const streams = [`s-${w}`, `shared-${(w + t) % 5}`].slice(0, 1 + (t % 2));
              for (const streamId of streams) {
                const result = await store.append(streamId, [{ type: 'E', data: { w, t } }, { type: 'F', data: { w, t, n: 2 } }], ANY, meta, manager);
                ids.push(...result.events.map((e) => e.eventId));
                fs.push(result.events[1].eventId);
              }
              // Hold the transaction open for a random time so commits interleave out of position order.
              await sleep(Math.random() * 25);
              if (rollback) throw new Error('rollback on purpose');
            })
            .then(
              () => {
                ids.forEach((id) => committed.add(id));
                fs.forEach((id) => committedF.add(id));
              },
              (error: Error) => {
                if (error.message === 'rollback on purpose') ids.forEach((id) => rolledBack.add(id));
                else if (!/expected at|unknown newer version/.test(error.message)) throw error;
              },
            );
        }
      }),
    );
    writing = false;
    const seenByReaders = await Promise.all(readers);
    for (const seen of await Promise.all(typedReaders)) {
      const ids = seen.map((e) => e.eventId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(committedF);
    }

    expect(committed.size).toBeGreaterThan(writers * transactionsPerWriter);
    for (const seen of seenByReaders) {
      const ids = seen.map((e) => e.eventId);
      expect(new Set(ids).size).toBe(ids.length); // exactly once
      expect(new Set(ids)).toEqual(committed); // every committed event, none rolled back
      const lastVersion = new Map<string, number>();
      for (const event of seen) {
        expect(event.streamVersion).toBeGreaterThan(lastVersion.get(event.streamId) ?? 0);
        lastVersion.set(event.streamId, event.streamVersion);
      }
    }
    for (const id of rolledBack) expect(committed.has(id)).toBe(false);
  });
});

async function drain(store: PostgresEventStore, from: GlobalCheckpoint): Promise<{ events: RecordedEvent[]; checkpoint: GlobalCheckpoint }> {
  const events: RecordedEvent[] = [];
  let checkpoint = from;
  for (;;) {
    const page = await store.readAll({ after: checkpoint, limit: 500 });
    events.push(...page.events);
    checkpoint = page.checkpoint;
    if (page.events.length === 0) return { events, checkpoint };
  }
}

async function pollUntilStopped(store: PostgresEventStore, from: GlobalCheckpoint, running: () => boolean, limit: number, eventTypes?: string[]): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  let checkpoint = from;
  for (;;) {
    const stillWriting = running();
    const page = await store.readAll({ after: checkpoint, limit, eventTypes });
    seen.push(...page.events);
    checkpoint = page.checkpoint;
    if (page.events.length === 0) {
      // An empty page means nothing is safe to read yet, not that nothing is left: any transaction of this database
      // still open (an autovacuum ANALYZE of events takes an id too) holds back what committed after it began.
      if (!stillWriting && (await store.countAfter(checkpoint)) === 0) return seen;
      await sleep(2);
    }
  }
}
