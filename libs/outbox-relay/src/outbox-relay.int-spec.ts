import { ANY, EVENT_STORE_MIGRATIONS, NO_STREAM, PostgresEventStore } from '@smi/event-store';
import { KafkaClient, MessageProducer } from '@smi/kafka';
import { createTestDatabase, TestDatabase, testKafkaBrokers, uniqueName, waitFor } from '@smi/testing';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { OUTBOX_RELAY_MIGRATIONS, OutboxRelay } from './index';

interface Seen {
  key: string;
  headers: Record<string, string>;
  value: unknown;
}

describe('OutboxRelay against the real broker', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let kafka: KafkaClient;
  let producer: MessageProducer;
  const relays: OutboxRelay[] = [];
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('relay');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: [...EVENT_STORE_MIGRATIONS, ...OUTBOX_RELAY_MIGRATIONS] }).initialize();
    await dataSource.runMigrations();
    store = new PostgresEventStore(dataSource, { sourceService: 'relay-test' });
    kafka = new KafkaClient({ brokers: testKafkaBrokers(), clientId: 'relay-test' });
    producer = await kafka.producer();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
  });

  afterAll(async () => {
    await producer?.disconnect();
    await kafka?.disconnect();
    await dataSource?.destroy();
    await db?.drop();
  });

  async function freshTopic(): Promise<string> {
    const topic = uniqueName('relay.events');
    await kafka.ensureTopics([{ name: topic, partitions: 3, retentionMs: -1 }]);
    return topic;
  }

  async function collect(topic: string): Promise<Seen[]> {
    const seen: Seen[] = [];
    const consumer = new Kafka({ brokers: testKafkaBrokers(), clientId: 'relay-test-reader', logLevel: logLevel.NOTHING }).consumer({ groupId: uniqueName('reader') });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        seen.push({ key: String(message.key), headers, value: JSON.parse(String(message.value)) });
      },
    });
    return seen;
  }

  /** Starts a new relay name at the end of the store, so earlier tests' events are not published again. */
  async function nameAtEnd(): Promise<string> {
    const name = uniqueName('r');
    await dataSource.query(
      `INSERT INTO outbox_relay_checkpoints (relay, transaction_id, position)
       SELECT $1, coalesce((SELECT transaction_id FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1), '0'::xid8),
              coalesce((SELECT position FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1), 0)`,
      [name],
    );
    return name;
  }

  function relay(name: string, topic: string, extra: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}): OutboxRelay {
    const r = new OutboxRelay({ name, dataSource, store, producer, topicFor: () => topic, source: 'urn:smi:service:relay-test', pollIntervalMs: 200, standbyRetryMs: 200, ...extra });
    relays.push(r);
    return r;
  }

  it('publishes committed events with CloudEvents headers, keyed by stream, in per-stream order', async () => {
    const topic = await freshTopic();
    for (let i = 0; i < 30; i++) {
      await store.append(`device-${i % 3}`, [{ type: 'Counted', data: { i } }], ANY, { correlationId: `c-${i}`, causationId: `cmd-${i}`, actor: { userId: 'u', partyId: 'p', partyType: 'dcc', roles: [] } });
    }
    const seen = await collect(topic);
    relay(uniqueName('r'), topic).start();
    await waitFor(() => seen.length >= 30, 20_000, '30 messages');
    const first = seen.find((m) => (m.value as { i: number }).i === 0)!;
    expect(first.key).toBe('device-0');
    expect(first.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'Counted',
      ce_source: 'urn:smi:service:relay-test',
      ce_subject: 'device-0',
      correlation_id: 'c-0',
      causation_id: 'cmd-0',
      stream_version: '1',
      schema_version: '1',
      'content-type': 'application/json',
    });
    expect(JSON.parse(first.headers.actor)).toMatchObject({ partyType: 'dcc' });
    for (const stream of ['device-0', 'device-1', 'device-2']) {
      const versions = seen.filter((m) => m.key === stream).map((m) => Number(m.headers.stream_version));
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(versions).toHaveLength(10);
    }
  });

  it('keeps one active relay among several instances and fails over when it stops', async () => {
    const topic = await freshTopic();
    const name = await nameAtEnd();
    const a = relay(name, topic);
    const b = relay(name, topic);
    a.start();
    await waitFor(() => a.status().active, 10_000, 'a active');
    b.start();
    await store.append(uniqueName('s'), [{ type: 'One', data: {} }], NO_STREAM, { correlationId: 'x' });
    const seen = await collect(topic);
    await waitFor(() => seen.length === 1, 20_000, 'first message');
    expect(b.status().active).toBe(false);
    await a.stop();
    await waitFor(() => b.status().active, 10_000, 'b takes over');
    await store.append(uniqueName('s'), [{ type: 'Two', data: {} }], NO_STREAM, { correlationId: 'y' });
    await waitFor(() => seen.length === 2, 20_000, 'second message');
    expect(seen.map((m) => m.headers.ce_type)).toEqual(['One', 'Two']);
  });

  it('after a crash between publish and checkpoint repeats the batch and loses nothing', async () => {
    const topic = await freshTopic();
    const name = await nameAtEnd();
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const result = await store.append(uniqueName('crash'), [{ type: 'Before', data: { i } }], NO_STREAM, { correlationId: 'crash' });
      result.events.forEach((e) => ids.add(e.eventId));
    }
    const seen = await collect(topic);
    let crashed = false;
    const doomed = relay(name, topic, {
      afterPublish: async () => {
        crashed = true;
        await doomed.simulateCrash();
        throw new Error('killed between publish and checkpoint');
      },
    });
    doomed.start();
    await waitFor(() => crashed && seen.length >= 20, 20_000, 'the doomed batch to reach the broker');
    const [stored] = await dataSource.query(`SELECT published FROM outbox_relay_checkpoints WHERE relay = $1`, [name]);
    expect(stored.published).toBe('0'); // the checkpoint did not move

    relay(name, topic).start();
    await waitFor(() => seen.length >= 40, 20_000, 'the batch to be repeated');
    const published = seen.map((m) => m.headers.ce_id);
    expect(new Set(published)).toEqual(ids); // nothing lost
    expect(published.length).toBe(40); // every event repeated exactly once: consumers drop repeats by ce_id
  });

  it('passes over the events that are not its to publish, and its checkpoint moves past them', async () => {
    const topic = await freshTopic();
    const name = await nameAtEnd();
    const seen = await collect(topic);
    relay(name, topic, { publishes: (event) => !event.streamId.startsWith('copy-') }).start();
    const own = [];
    for (let i = 0; i < 6; i++) {
      // A copy of another service's event between each of its own, and a batch of copies only at the end.
      await store.append(uniqueName('copy-'), [{ type: 'Copied', data: { i } }], NO_STREAM, { correlationId: 'copy' });
      own.push((await store.append(uniqueName('own'), [{ type: 'Own', data: { i } }], NO_STREAM, { correlationId: 'own' })).events[0].eventId);
    }
    await store.append(uniqueName('copy-'), [{ type: 'Copied', data: { last: true } }], NO_STREAM, { correlationId: 'copy' });
    await waitFor(async () => {
      const [row] = await dataSource.query(`SELECT published FROM outbox_relay_checkpoints WHERE relay = $1`, [name]);
      return seen.length === 6 && row?.published === '6' && (await relays[relays.length - 1].backlog()) === 0;
    }, 20_000, 'its six events published and the copies passed over');
    expect(new Set(seen.map((m) => m.headers.ce_id))).toEqual(new Set(own));
    expect(seen.every((m) => m.headers.ce_type === 'Own')).toBe(true);
  });

  it('is woken by NOTIFY instead of waiting for the poll interval', async () => {
    const topic = await freshTopic();
    const r = relay(await nameAtEnd(), topic, { pollIntervalMs: 120_000 });
    const seen = await collect(topic);
    r.start();
    // Idle: it has read everything there is and waits, so only a wake-up can make it publish what follows.
    let before = r.status();
    await waitFor(() => (before = r.status()).idle, 10_000, 'relay idle');
    await store.append(uniqueName('wake'), [{ type: 'Wake', data: {} }], NO_STREAM, { correlationId: 'w' });
    await waitFor(() => seen.length === 1, 20_000, 'the publish');
    expect(seen[0].headers.ce_type).toBe('Wake');
    // The wake-up that led to it was a notification: the two-minute poll never fired.
    const after = r.status();
    expect(after.wakeUps.notified).toBeGreaterThan(before.wakeUps.notified);
    expect(after.wakeUps.polled).toBe(0);
  });

  it('re-publishes from a position when an operator rewinds the running relay', async () => {
    const topic = await freshTopic();
    const r = relay(await nameAtEnd(), topic);
    const seen = await collect(topic);
    r.start();
    const appended = [];
    for (let i = 0; i < 5; i++) appended.push((await store.append(uniqueName('rw'), [{ type: 'Rewind', data: { i } }], NO_STREAM, { correlationId: 'rw' })).events[0]);
    await waitFor(() => seen.length === 5, 20_000, 'first publication');
    await r.rewind(appended[2].position);
    await waitFor(() => seen.length === 8, 20_000, 'events 2..4 again');
    // Different streams land on different partitions, so compare as sets.
    expect(new Set(seen.slice(5).map((m) => m.headers.ce_id))).toEqual(new Set(appended.slice(2).map((e) => e.eventId)));
    await expect(r.rewind('999999999')).rejects.toThrow('no event at position 999999999');
  });

  it('a rewind re-publishes an event of an earlier transaction that took a later position', async () => {
    const topic = await freshTopic();
    const r = relay(await nameAtEnd(), topic);
    const seen = await collect(topic);
    r.start();
    // Transaction A takes its id first, B takes the next id, appends (position p) and commits; then A
    // appends (position p + 1) and commits. In commit order A's event comes first, though its position is later.
    const a = dataSource.createQueryRunner();
    await a.connect();
    await a.startTransaction();
    await a.query('SELECT pg_current_xact_id()');
    const b = (await store.append(uniqueName('rw-b'), [{ type: 'Rewind', data: { tx: 'b' } }], NO_STREAM, { correlationId: 'rw' })).events[0];
    const earlier = (await store.append(uniqueName('rw-a'), [{ type: 'Rewind', data: { tx: 'a' } }], NO_STREAM, { correlationId: 'rw' }, a.manager)).events[0];
    await a.commitTransaction();
    await a.release();
    expect(BigInt(earlier.position)).toBeGreaterThan(BigInt(b.position));
    await waitFor(() => seen.length === 2, 20_000, 'first publication');

    await r.rewind(b.position);
    await waitFor(() => seen.length >= 4, 20_000, 'both events again');
    expect(new Set(seen.slice(2).map((m) => m.headers.ce_id))).toEqual(new Set([b.eventId, earlier.eventId]));
  });

  it('a rewind into one transaction whose positions cross a power of ten starts at the position asked for', async () => {
    const topic = await freshTopic();
    const r = relay(await nameAtEnd(), topic);
    const seen = await collect(topic);
    r.start();
    // One transaction whose positions run from below a power of ten to above it (…, 99, 100, …): ordered as text,
    // 100 would come before 99.
    const [{ next }]: Array<{ next: string }> = await dataSource.query(
      `SELECT (coalesce(pg_sequence_last_value(pg_get_serial_sequence('events', 'position')::regclass), 0) + 1)::text AS next`,
    );
    let power = 10n;
    while (power <= BigInt(next)) power *= 10n;
    const requests = Array.from({ length: Number(power - BigInt(next)) + 3 }, (_, i) => ({
      streamId: uniqueName('rw-x'),
      events: [{ type: 'Rewind', data: { i } }],
      expectedVersion: NO_STREAM,
    }));
    const appended = (await store.appendMany(requests, { correlationId: 'rw' })).map((result) => result.events[0]);
    expect(new Set(appended.map((e) => e.transactionId)).size).toBe(1);
    await waitFor(() => seen.length === appended.length, 20_000, 'first publication');

    const from = (power - 1n).toString();
    const again = appended.filter((e) => BigInt(e.position) >= power - 1n);
    expect(again).toHaveLength(4);
    await r.rewind(from);
    await waitFor(() => seen.length >= appended.length + again.length, 20_000, `the events from position ${from} on again`);
    expect(new Set(seen.slice(appended.length).map((m) => m.headers.ce_id))).toEqual(new Set(again.map((e) => e.eventId)));
  });
});
