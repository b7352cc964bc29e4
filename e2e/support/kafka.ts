import { GroupConsumer, IncomingMessage, KafkaClient, MessageProducer } from '@smi/kafka';
import { testKafkaBrokers, uniqueName, waitFor } from '@smi/testing';

/**
 * The test's own side of the broker: produce to a service's topics as an integration would, and read
 * what a service publishes, each reader in a fresh consumer group from the beginning of its topic.
 */
export class TestKafka {
  private readonly client = new KafkaClient({ brokers: testKafkaBrokers(), clientId: uniqueName('e2e-client') });
  private producer?: MessageProducer;
  private readonly readers: GroupConsumer[] = [];

  async produce(topic: string, messages: Array<{ key: string | null; value: string | Buffer; headers?: Record<string, string> }>): Promise<void> {
    this.producer ??= await this.client.producer();
    await this.producer.send(
      topic,
      messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers ?? {} })),
    );
  }

  /** Starts collecting every message of `topic` (which must exist); resolves once the group has joined. */
  async read(topic: string): Promise<TopicReader> {
    const consumer = this.client.createConsumer({ groupId: uniqueName('e2e-reader'), topics: [topic], fromBeginning: true });
    const reader = new TopicReader(topic);
    await consumer.start(async (batch) => {
      reader.received.push(...batch.messages);
      const last = batch.messages[batch.messages.length - 1];
      if (last) await batch.commit(last.offset);
    });
    this.readers.push(consumer);
    return reader;
  }

  async close(): Promise<void> {
    await Promise.all(this.readers.map((r) => r.stop().catch(() => undefined)));
    await this.client.disconnect();
  }
}

export class TopicReader {
  readonly received: IncomingMessage[] = [];

  constructor(readonly topic: string) {}

  /** Messages with this key, values parsed as JSON, in arrival order. */
  jsonByKey<T = Record<string, unknown>>(key: string): T[] {
    return this.received.filter((m) => m.key === key).map((m) => JSON.parse(m.value?.toString('utf8') ?? 'null') as T);
  }

  /** Waits until at least `count` messages with this key have arrived; returns them all. */
  async waitForKey<T = Record<string, unknown>>(key: string, count = 1, timeoutMs = 60_000): Promise<T[]> {
    return waitFor(() => {
      const found = this.jsonByKey<T>(key);
      return found.length >= count ? found : undefined;
    }, timeoutMs, `${count} message(s) keyed ${key} on ${this.topic}`);
  }

  async waitFor(predicate: (message: IncomingMessage) => boolean, timeoutMs = 60_000): Promise<IncomingMessage> {
    return waitFor(() => this.received.find(predicate), timeoutMs, `a matching message on ${this.topic}`);
  }
}
