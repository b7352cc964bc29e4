import { testKafkaBrokers, uniqueName, waitFor } from '@smi/testing';
import { KafkaClient, type IncomingMessage } from './index';

describe('KafkaClient against the real broker', () => {
  const kafka = new KafkaClient({ brokers: testKafkaBrokers(), clientId: 'kafka-client-int-spec' });

  afterAll(() => kafka.disconnect());

  it('describes the cluster for health checks', async () => {
    const cluster = await kafka.describeCluster();
    expect(cluster.brokers).toBeGreaterThanOrEqual(1);
  });

  it('fails the health check, instead of hanging, when no broker answers', async () => {
    const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const unreachable = new KafkaClient({ brokers: ['127.0.0.1:1'], clientId: 'kafka-client-int-spec-down', logger: silent });
    await expect(unreachable.describeCluster()).rejects.toThrow();
  });

  it('creates missing topics once and leaves existing ones alone', async () => {
    const name = uniqueName('kafka_topics');
    await kafka.ensureTopics([{ name, partitions: 2, retentionMs: -1 }]);
    // A second call, even with a different spec, must neither fail nor change the topic.
    await kafka.ensureTopics([{ name, partitions: 5 }, { name: `${name}.compacted`, cleanupPolicy: 'compact' }]);
    const topics = await kafka.listTopics();
    expect(topics).toEqual(expect.arrayContaining([name, `${name}.compacted`]));
  });

  it('returns from ensureTopics only when every partition has a leader, even when processes race to create it', async () => {
    // Four clients stand for four service processes starting at once and all ensuring the same topics;
    // each then subscribes at once, which is where a leaderless partition used to fail start-up.
    const topic = uniqueName('kafka_race');
    // The losers' TOPIC_ALREADY_EXISTS answers are expected here, so they are not logged.
    const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const clients = [1, 2, 3, 4].map(
      (n) => new KafkaClient({ brokers: testKafkaBrokers(), clientId: `kafka-race-${n}`, logger: silent }),
    );
    try {
      // Meanwhile another process lists topics, as every service does at start: a listing that meets a topic
      // still being created must wait for it, not fail the start-up.
      let creating = true;
      const listings = (async () => {
        let count = 0;
        while (creating) {
          await clients[3].listTopics();
          count++;
        }
        return count;
      })();
      const dlqs = [0, 1, 2].map((n) => ({ name: `${topic}.extra-${n}`, partitions: 6 }));
      await Promise.all([
        ...clients.slice(0, 3).map((client) => client.ensureTopics([{ name: topic, partitions: 6, retentionMs: -1 }, ...dlqs])),
      ]).finally(() => {
        creating = false;
      });
      expect(await listings).toBeGreaterThan(0);
      const producer = await clients[0].producer();
      await producer.send(
        topic,
        [0, 1, 2, 3, 4, 5].map((n) => ({ key: `device-${n}`, value: String(n), headers: {} })),
      );
      const seen: string[] = [];
      const consumer = clients[1].createConsumer({ groupId: uniqueName('kafka_race_group'), topics: [topic], fromBeginning: true });
      await consumer.start(async (batch) => {
        seen.push(...batch.messages.map((m) => String(m.value)));
        await batch.commit(batch.messages[batch.messages.length - 1].offset);
      });
      await waitFor(() => seen.length >= 6, 30_000, 'all six records');
      expect(seen.sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    } finally {
      await Promise.all(clients.map((client) => client.disconnect()));
    }
  });

  it('round-trips key, value and headers from the producer to a group consumer, committing offsets', async () => {
    const topic = uniqueName('kafka_roundtrip');
    const groupId = uniqueName('kafka_roundtrip_group');
    await kafka.ensureTopics([{ name: topic, partitions: 1 }]);
    const producer = await kafka.producer();
    await producer.send(topic, [
      { key: 'k1', value: '{"n":1}', headers: { ce_id: 'id-1', ce_type: 'Test' } },
      { key: null, value: Buffer.from('two'), headers: {} },
    ]);
    await producer.disconnect();

    const received: IncomingMessage[] = [];
    const consumer = kafka.createConsumer({ groupId, topics: [topic], fromBeginning: true });
    await consumer.start(async (batch) => {
      received.push(...batch.messages);
      await batch.commit(batch.messages[batch.messages.length - 1].offset);
    });
    await waitFor(() => received.length >= 2, 30_000, 'both messages');
    await consumer.stop();

    expect(received.map((m) => ({ key: m.key, value: m.value?.toString(), headers: m.headers, offset: m.offset }))).toEqual([
      { key: 'k1', value: '{"n":1}', headers: { ce_id: 'id-1', ce_type: 'Test' }, offset: '0' },
      { key: null, value: 'two', headers: {}, offset: '1' },
    ]);

    // The same group resumes after the committed offset: only a newly produced record arrives.
    const again = await kafka.producer();
    await again.send(topic, [{ key: 'k3', value: 'three', headers: {} }]);
    await again.disconnect();
    const resumed: IncomingMessage[] = [];
    const second = kafka.createConsumer({ groupId, topics: [topic], fromBeginning: true });
    await second.start(async (batch) => {
      resumed.push(...batch.messages);
      await batch.commit(batch.messages[batch.messages.length - 1].offset);
    });
    await waitFor(() => resumed.length >= 1, 30_000, 'the new message');
    await second.stop();
    expect(resumed.map((m) => m.offset)).toEqual(['2']);
  });

  it('sends to several topics in one call, each record to its own topic in order, skipping empty batches', async () => {
    const events = uniqueName('kafka_many_events');
    const responses = uniqueName('kafka_many_responses');
    await kafka.ensureTopics([
      { name: events, partitions: 1 },
      { name: responses, partitions: 1 },
    ]);
    const producer = await kafka.producer();
    await producer.sendMany([
      { topic: events, messages: [1, 2, 3].map((n) => ({ key: 'device-1', value: `event-${n}`, headers: { ce_type: 'Evt' } })) },
      { topic: responses, messages: [{ key: 'request-1', value: 'answer', headers: { ce_type: 'Answer' } }] },
      { topic: uniqueName('kafka_many_never_created'), messages: [] },
    ]);
    await producer.disconnect();

    const received: IncomingMessage[] = [];
    const consumer = kafka.createConsumer({ groupId: uniqueName('kafka_many_group'), topics: [events, responses], fromBeginning: true });
    await consumer.start(async (batch) => {
      received.push(...batch.messages);
      await batch.commit(batch.messages[batch.messages.length - 1].offset);
    });
    await waitFor(() => received.length >= 4, 30_000, 'all four records');
    await consumer.stop();
    expect(received.filter((m) => m.topic === events).map((m) => [m.key, m.value?.toString(), m.offset])).toEqual([
      ['device-1', 'event-1', '0'],
      ['device-1', 'event-2', '1'],
      ['device-1', 'event-3', '2'],
    ]);
    expect(received.filter((m) => m.topic === responses).map((m) => [m.key, m.value?.toString(), m.headers.ce_type])).toEqual([['request-1', 'answer', 'Answer']]);
  });
});
