import { KafkaClient, type IncomingMessage } from '@smi/kafka';
import { createTestDatabase, testKafkaBrokers, uniqueName, waitFor, type TestDatabase } from '@smi/testing';
import { DataSource, type EntityManager } from 'typeorm';
import { CONSUMER_MIGRATIONS, EventConsumer, PermanentMessageError, type EventConsumerOptions } from './index';

jest.setTimeout(60_000);

// Retries and dead letters are expected here, so only errors are shown.
const quiet = { info: () => undefined, warn: () => undefined, error: (message: string, fields?: object) => console.error(message, fields) };
const kafka = new KafkaClient({ brokers: testKafkaBrokers(), clientId: 'event-consumer-int-spec', logger: quiet });
let database: TestDatabase;
let dataSource: DataSource;
const started: EventConsumer[] = [];

beforeAll(async () => {
  database = await createTestDatabase('consumer');
  dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: CONSUMER_MIGRATIONS });
  await dataSource.initialize();
  await dataSource.runMigrations();
  // The effect each test consumer has: one row per applied message.
  await dataSource.query('CREATE TABLE effects (consumer text NOT NULL, message_id text NOT NULL, body text NOT NULL)');
});

afterAll(async () => {
  await Promise.all(started.map((c) => c.stop()));
  await kafka.disconnect();
  await dataSource?.destroy();
  await database?.drop();
});

interface TestMessage {
  id: string;
  body: string;
  key?: string;
}

async function createTopic(label: string, partitions: number): Promise<string> {
  const topic = uniqueName(label);
  await kafka.ensureTopics([{ name: topic, partitions }]);
  return topic;
}

async function produce(topic: string, messages: TestMessage[]): Promise<void> {
  const producer = await kafka.producer();
  try {
    await producer.send(
      topic,
      messages.map((m) => ({ key: m.key ?? m.id, value: JSON.stringify({ body: m.body }), headers: { ce_id: m.id } })),
    );
  } finally {
    await producer.disconnect();
  }
}

function messages(prefix: string, count: number): TestMessage[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, body: `${prefix} ${i}`, key: 'same-key' }));
}

async function writeEffects(consumer: string, batch: IncomingMessage[], manager: EntityManager): Promise<void> {
  for (const m of batch) {
    const { body } = JSON.parse(m.value!.toString()) as { body: string };
    await manager.query('INSERT INTO effects (consumer, message_id, body) VALUES ($1, $2, $3)', [consumer, m.headers['ce_id'], body]);
  }
}

async function effectsOf(consumer: string): Promise<string[]> {
  const rows: { message_id: string }[] = await dataSource.query('SELECT message_id FROM effects WHERE consumer = $1 ORDER BY message_id', [consumer]);
  return rows.map((r) => r.message_id);
}

async function startConsumer(
  options: Pick<EventConsumerOptions, 'name' | 'topics'> & Partial<EventConsumerOptions>,
): Promise<EventConsumer> {
  const consumer = new EventConsumer({
    groupId: `${options.name}-group`,
    kafka,
    dataSource,
    handleBatch: (batch, manager) => writeEffects(options.name, batch, manager),
    retry: { initialDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
  await consumer.start();
  started.push(consumer);
  return consumer;
}

describe('EventConsumer against the real broker and database', () => {
  it('applies every message once, even when the same message is delivered twice', async () => {
    const topic = await createTopic('consumer_once', 3);
    const name = uniqueName('once');
    const sent = Array.from({ length: 12 }, (_, i) => ({ id: `m-${i}`, body: `body ${i}`, key: `k${i % 4}` }));
    // m-4 twice in one send (likely one fetch) ...
    await produce(topic, [...sent, sent[4]]);
    const consumer = await startConsumer({ name, topics: [topic] });
    await waitFor(() => consumer.stats().processed + consumer.stats().duplicatesDropped === 13, 30_000, 'all 13 deliveries');
    // ... and once more later, which only the inbox table can recognise.
    await produce(topic, [sent[4]]);
    await waitFor(() => consumer.stats().duplicatesDropped === 2, 30_000, 'the late duplicate');

    expect(await effectsOf(name)).toEqual(sent.map((m) => m.id).sort());
    expect(consumer.stats()).toEqual({ processed: 12, duplicatesDropped: 2, passedOver: 0, deadLettered: 0, retries: 0 });
  });

  it('passes over event types it does not apply: no transaction, no inbox row, and its offset still moves', async () => {
    const topic = await createTopic('consumer_types', 1);
    const name = uniqueName('types');
    const typed = (id: string, type: string) => ({ key: 'k', value: JSON.stringify({ body: id }), headers: { ce_id: id, ce_type: type } });
    const producer = await kafka.producer();
    await producer.send(topic, [typed('t-1', 'Wanted'), typed('t-2', 'Other'), typed('t-3', 'Wanted'), typed('t-4', 'Other')]);
    const first = await startConsumer({ name, topics: [topic], eventTypes: ['Wanted'] });
    await waitFor(() => first.stats().processed + first.stats().passedOver === 4, 30_000, 'all four messages');
    expect(first.stats()).toMatchObject({ processed: 2, passedOver: 2 });
    expect(await effectsOf(name)).toEqual(['t-1', 't-3']);
    const inbox: { message_id: string }[] = await dataSource.query('SELECT message_id FROM consumer_inbox WHERE consumer = $1 ORDER BY message_id', [name]);
    expect(inbox.map((r) => r.message_id)).toEqual(['t-1', 't-3']);
    await first.stop();

    // The trailing passed-over message was committed too: a restart in the same group sees only what is new.
    const second = await startConsumer({ name, topics: [topic], eventTypes: ['Wanted'] });
    await producer.send(topic, [typed('t-5', 'Wanted')]);
    await producer.disconnect();
    await waitFor(() => second.stats().processed === 1, 30_000, 'the message produced after the restart');
    expect(second.stats()).toEqual({ processed: 1, duplicatesDropped: 0, passedOver: 0, deadLettered: 0, retries: 0 });
  });

  it('does not reprocess after a restart in the same group', async () => {
    const topic = await createTopic('consumer_restart', 1);
    const name = uniqueName('restart');
    await produce(topic, messages('before', 5));
    const first = await startConsumer({ name, topics: [topic] });
    await waitFor(() => first.stats().processed === 5, 30_000, 'the first 5 messages');
    await first.stop();

    const second = await startConsumer({ name, topics: [topic] });
    await produce(topic, [{ id: 'after-0', body: 'after' }]);
    // One partition, read in order: once the newest message is applied, any redelivery would have come first.
    await waitFor(() => second.stats().processed === 1, 30_000, 'the message produced after the restart');

    expect(second.stats()).toEqual({ processed: 1, duplicatesDropped: 0, passedOver: 0, deadLettered: 0, retries: 0 });
    expect(await effectsOf(name)).toHaveLength(6);
  });

  it('stops gracefully: the chunk in flight is finished and committed', async () => {
    const topic = await createTopic('consumer_stop', 1);
    const name = uniqueName('stop');
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await produce(topic, messages('inflight', 3));
    const first = await startConsumer({
      name,
      topics: [topic],
      handleBatch: async (batch, manager) => {
        entered();
        await released;
        await writeEffects(name, batch, manager);
      },
    });
    await inHandler;
    const stopping = first.stop();
    release();
    await stopping;
    expect(first.stats().processed).toBe(3);

    const second = await startConsumer({ name, topics: [topic] });
    await produce(topic, [{ id: 'after-stop', body: 'after' }]);
    await waitFor(() => second.stats().processed === 1, 30_000, 'the message produced after the stop');
    expect(second.stats().duplicatesDropped).toBe(0);
    expect(await effectsOf(name)).toHaveLength(4);
  });

  it('dead-letters a poison message, applies the good ones and moves on', async () => {
    const topic = await createTopic('consumer_poison', 1);
    const name = uniqueName('poison');
    const good = messages('good', 6);
    await produce(topic, [...good.slice(0, 3), { id: 'poison-0', body: 'poison', key: 'same-key' }, ...good.slice(3)]);
    const consumer = await startConsumer({
      name,
      topics: [topic],
      // Writes first and then refuses the whole batch when it contains the poison: the good messages' writes
      // in that failed transaction must vanish, or they would be applied twice.
      handleBatch: async (batch, manager) => {
        await writeEffects(name, batch, manager);
        if (batch.some((m) => m.headers['ce_id'] === 'poison-0')) throw new PermanentMessageError('poison is not a valid body');
      },
    });
    await waitFor(() => consumer.stats().deadLettered === 1 && consumer.stats().processed === 6, 30_000, 'good messages and the dead letter');

    await produce(topic, [{ id: 'later-0', body: 'later', key: 'same-key' }]);
    await waitFor(() => consumer.stats().processed === 7, 30_000, 'the message after the poison');
    expect(await effectsOf(name)).toEqual([...good.map((m) => m.id), 'later-0'].sort());

    const deadLetters = await dataSource.query('SELECT topic, partition, "offset", message_id, error FROM consumer_dead_letters WHERE consumer = $1', [name]);
    expect(deadLetters).toEqual([
      { topic, partition: 0, offset: '3', message_id: 'poison-0', error: 'PermanentMessageError: poison is not a valid body' },
    ]);
    const inbox = await dataSource.query('SELECT 1 FROM consumer_inbox WHERE consumer = $1 AND message_id = $2', [name, 'poison-0']);
    expect(inbox).toHaveLength(1);

    const dlq = await readAll(`${topic}.dlq`, 1);
    expect(dlq).toHaveLength(1);
    expect(JSON.parse(dlq[0].value!.toString())).toEqual({ body: 'poison' });
    expect(dlq[0].key).toBe('same-key');
    expect(dlq[0].headers).toEqual(
      expect.objectContaining({
        ce_id: 'poison-0',
        dlq_error: 'poison is not a valid body',
        dlq_error_type: 'PermanentMessageError',
        dlq_source_topic: topic,
        dlq_source_partition: '0',
        dlq_source_offset: '3',
        dlq_consumer: name,
      }),
    );
    expect(Number.isNaN(Date.parse(dlq[0].headers['dlq_failed_at']))).toBe(false);
  });

  it('retries a transient failure and applies the message once', async () => {
    const topic = await createTopic('consumer_transient', 1);
    const name = uniqueName('transient');
    let calls = 0;
    const consumer = await startConsumer({
      name,
      topics: [topic],
      handleBatch: async (batch, manager) => {
        calls++;
        await writeEffects(name, batch, manager);
        if (calls <= 2) throw new Error('database hiccup');
      },
    });
    await produce(topic, [{ id: 'flaky-0', body: 'flaky' }]);
    await waitFor(() => consumer.stats().processed === 1, 30_000, 'the message to be applied');

    expect(await effectsOf(name)).toEqual(['flaky-0']);
    expect(consumer.stats()).toEqual({ processed: 1, duplicatesDropped: 0, passedOver: 0, deadLettered: 0, retries: 2 });
  });

  it('leaves none of a failed handler’s writes behind, whether it failed permanently or ran out of retries', async () => {
    const topic = await createTopic('consumer_atomic', 1);
    const name = uniqueName('atomic');
    const consumer = await startConsumer({
      name,
      topics: [topic],
      retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 50 },
      handleBatch: async (batch, manager) => {
        await writeEffects(name, batch, manager);
        const body = JSON.parse(batch[0].value!.toString()).body;
        throw body === 'permanent' ? new PermanentMessageError('never valid') : new Error('always failing');
      },
    });
    await produce(topic, [
      { id: 'permanent-0', body: 'permanent' },
      { id: 'exhausted-0', body: 'exhausted' },
    ]);
    await waitFor(() => consumer.stats().deadLettered === 2, 30_000, 'both messages to be dead-lettered');

    expect(await effectsOf(name)).toEqual([]);
    const deadLetters: { message_id: string }[] = await dataSource.query(
      'SELECT message_id FROM consumer_dead_letters WHERE consumer = $1 ORDER BY "offset"',
      [name],
    );
    expect(deadLetters.map((d) => d.message_id)).toEqual(['permanent-0', 'exhausted-0']);
    // Only the transient failure was retried: twice, as attempts = 3.
    expect(consumer.stats().retries).toBe(2);
  });

  it('refuses to start on a topic that does not exist', async () => {
    const missing = uniqueName('consumer_missing');
    const consumer = new EventConsumer({ name: 'missing', groupId: uniqueName('missing'), topics: [missing], kafka, dataSource, handleBatch: async () => undefined });
    await expect(consumer.start()).rejects.toThrow(`topic ${missing} does not exist`);
  });
});

/** Reads a topic from the beginning with a throw-away group until `count` messages arrived. */
async function readAll(topic: string, count: number): Promise<IncomingMessage[]> {
  const received: IncomingMessage[] = [];
  const reader = kafka.createConsumer({ groupId: uniqueName('reader'), topics: [topic], fromBeginning: true });
  await reader.start(async (batch) => {
    received.push(...batch.messages);
    // Without a commit the same records would be fetched again.
    await batch.commit(batch.messages[batch.messages.length - 1].offset);
  });
  try {
    await waitFor(() => received.length >= count, 30_000, `${count} message(s) on ${topic}`);
  } finally {
    await reader.stop();
  }
  return received;
}
