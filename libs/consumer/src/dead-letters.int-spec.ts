import { KafkaClient, type IncomingMessage } from '@smi/kafka';
import { createTestDatabase, testKafkaBrokers, uniqueName, waitFor, type TestDatabase } from '@smi/testing';
import { DataSource } from 'typeorm';
import {
  CONSUMER_MIGRATIONS,
  DeadLetterAlreadyReplayedError,
  DeadLetterNotFoundError,
  DeadLetterNotReplayableError,
  DeadLetterStore,
  EventConsumer,
  PermanentMessageError,
} from './index';

jest.setTimeout(90_000);

const quiet = { info: () => undefined, warn: () => undefined, error: (message: string, fields?: object) => console.error(message, fields) };
const kafka = new KafkaClient({ brokers: testKafkaBrokers(), clientId: 'dead-letters-int-spec', logger: quiet });
const operator = { userId: 'ops-1', partyId: 'DCC', partyType: 'dcc', roles: ['operator'] };
let database: TestDatabase;
let dataSource: DataSource;
let store: DeadLetterStore;
const started: EventConsumer[] = [];

beforeAll(async () => {
  database = await createTestDatabase('dead_letters');
  dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: CONSUMER_MIGRATIONS });
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.query('CREATE TABLE effects (consumer text NOT NULL, body text NOT NULL)');
  store = new DeadLetterStore(dataSource);
});

afterAll(async () => {
  await Promise.all(started.map((c) => c.stop()));
  await kafka.disconnect();
  await dataSource?.destroy();
  await database?.drop();
});

const effects = async (consumer: string) =>
  ((await dataSource.query('SELECT body FROM effects WHERE consumer = $1 ORDER BY body', [consumer])) as Array<{ body: string }>).map((r) => r.body);

describe('dead letters: kept with their message, replayed once to their source topic', () => {
  const topic = uniqueName('dead_letters');
  const name = uniqueName('dl_consumer');
  // The "fix deployed" switch: until then a message whose body says "poison" can never succeed.
  let fixed = false;

  beforeAll(async () => {
    await kafka.ensureTopics([{ name: topic, partitions: 2 }]);
    const consumer = new EventConsumer({
      name,
      groupId: `${name}-group`,
      topics: [topic],
      kafka,
      dataSource,
      retry: { initialDelayMs: 10, maxDelayMs: 20 },
      handleBatch: async (batch: IncomingMessage[], manager) => {
        for (const m of batch) {
          const { body } = JSON.parse(m.value!.toString()) as { body: string };
          if (body === 'poison' && !fixed) throw new PermanentMessageError('poison is refused');
          await manager.query('INSERT INTO effects (consumer, body) VALUES ($1, $2)', [name, body]);
        }
      },
    });
    await consumer.start();
    started.push(consumer);
  });

  it('records the key, value and headers as received, and the replay puts the message back in front of the consumer', async () => {
    const producer = await kafka.producer();
    try {
      await producer.send(topic, [
        { key: 'device-1', value: JSON.stringify({ body: 'fine' }), headers: { ce_id: 'evt-fine' } },
        { key: 'device-1', value: JSON.stringify({ body: 'poison' }), headers: { ce_id: 'evt-poison', ce_type: 'Thing' } },
      ]);
      await waitFor(async () => (await store.list({ limit: 10 })).length === 1, 60_000, 'the poison message to be dead-lettered');
      const [listed] = await store.list({ limit: 10 });
      expect(listed).toMatchObject({ consumer: name, topic, messageId: 'evt-poison', replayable: true, replayedAt: null, replayedBy: null });
      expect(listed.error).toBe('PermanentMessageError: poison is refused');

      const shown = await store.show(listed.id);
      expect(shown).toMatchObject({ key: 'device-1', value: JSON.stringify({ body: 'poison' }), valueEncoding: 'utf8', headers: { ce_id: 'evt-poison', ce_type: 'Thing' } });
      expect(await effects(name)).toEqual(['fine']);

      fixed = true;
      const replayed = await store.replay(listed.id, operator, producer);
      expect(replayed.replayedBy).toEqual(operator);
      expect(Date.parse(replayed.replayedAt!)).not.toBeNaN();
      // Same ce_id as the dead-lettered original: applied only because the replay forgot the inbox claim.
      await waitFor(async () => (await effects(name)).includes('poison'), 60_000, 'the replayed message to be applied');
      expect(await effects(name)).toEqual(['fine', 'poison']);

      const second = store.replay(listed.id, { ...operator, userId: 'ops-2' }, producer);
      await expect(second).rejects.toBeInstanceOf(DeadLetterAlreadyReplayedError);
      await expect(second).rejects.toThrow(`dead letter ${listed.id} was already replayed at ${replayed.replayedAt} by ops-1`);
      expect(await store.list({ limit: 10, pendingOnly: true })).toEqual([]);
      expect((await store.list({ limit: 10 }))[0]).toMatchObject({ id: listed.id, replayedBy: operator });
    } finally {
      await producer.disconnect();
    }
  });

  it('consumer group lag: nothing left once everything is committed; everything kept for a group that committed nothing', async () => {
    const lagOf = async (groupId: string) => kafka.consumerGroupLag(groupId, [topic]);
    await waitFor(async () => (await lagOf(`${name}-group`)).every((p) => p.lag === '0'), 60_000, 'the group to commit everything');
    const caughtUp = await lagOf(`${name}-group`);
    expect(caughtUp.map((p) => p.partition)).toEqual([0, 1]);
    const written = caughtUp.reduce((sum, p) => sum + Number(p.end), 0);
    // fine + poison + the replay
    expect(written).toBe(3);
    for (const p of caughtUp.filter((q) => q.end !== '0')) expect(p.committed).toBe(p.end);

    const idle = await lagOf(uniqueName('never-joined'));
    expect(idle.every((p) => p.committed === null)).toBe(true);
    expect(idle.reduce((sum, p) => sum + Number(p.lag), 0)).toBe(3);
  });

  it('refuses what it cannot replay: an unknown id, a row recorded before messages were kept', async () => {
    const producer = await kafka.producer();
    try {
      await expect(store.show('999999')).rejects.toBeInstanceOf(DeadLetterNotFoundError);
      await expect(store.replay('999999', operator, producer)).rejects.toBeInstanceOf(DeadLetterNotFoundError);
      const [{ id }] = await dataSource.query(
        `INSERT INTO consumer_dead_letters (consumer, topic, partition, "offset", message_id, error) VALUES ($1, $2, 0, 7, 'old', 'Error: old') RETURNING id::text AS id`,
        [name, topic],
      );
      await expect(store.replay(id, operator, producer)).rejects.toBeInstanceOf(DeadLetterNotReplayableError);
      expect(await store.show(id)).toMatchObject({ replayable: false, value: null, replayedAt: null });
    } finally {
      await producer.disconnect();
    }
  });
});
