import type { Logger } from '@smi/telemetry';
import { Kafka, type Admin, type ITopicConfig } from 'kafkajs';
import { KafkajsGroupConsumer, type GroupConsumer, type GroupConsumerSettings } from './group-consumer';
import { kafkajsLogCreator, kafkajsLogLevel, stderrJsonLogger } from './logging';
import type { OutgoingMessage } from './messages';
import { topicName, type KafkaSettings } from './settings';

export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

export interface MessageProducer {
  /** Resolves once every replica in sync has the messages (acks = all). */
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /**
   * The same for several topics at once: one produce request per broker rather than one round trip per topic
   * (the relay sends a command's events and its response together). Order is kept within each partition only.
   */
  sendMany(batches: TopicMessages[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface TopicSpec {
  name: string;
  /** Default 3. */
  partitions?: number;
  /** -1 keeps records forever; default: the broker's retention. */
  retentionMs?: number;
  cleanupPolicy?: 'delete' | 'compact';
  /** Default: 3, or fewer when the cluster has fewer brokers (a local single broker). */
  replicationFactor?: number;
}

export interface ClusterInfo {
  brokers: number;
  controller: number | null;
}

/** Where one consumer group stands on one partition. Offsets are 64-bit, hence strings. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** The next offset the group will read; null when the group has committed nothing on this partition. */
  committed: string | null;
  /** The offset the next record written will get (the high watermark). */
  end: string;
  /** Records the group has still to read: end - committed, or every record kept when nothing was committed. */
  lag: string;
}

const DEFAULT_PARTITIONS = 3;
/** Broker answers meaning it no longer knows where this producer's sequence stands; only a new producer id helps. */
const PRODUCER_STATE_LOST = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);
const MAX_DEFAULT_REPLICATION = 3;
const HEALTH_TIMEOUT_MS = 3_000;

/** The one place that knows kafkajs; everything it hands out is one of our own interfaces. */
export class KafkaClient {
  readonly logger: Logger;
  private readonly kafka: Kafka;
  /** Separate client with short timeouts and no retries, so a health check answers quickly when Kafka is down. */
  private readonly healthKafka: Kafka;
  /** Everything handed out and not yet closed, with how to close it, so one `disconnect()` ends them all. */
  private readonly open = new Map<object, () => Promise<void>>();

  constructor(private readonly settings: KafkaSettings) {
    this.logger = settings.logger ?? stderrJsonLogger;
    const common = {
      clientId: settings.clientId,
      brokers: settings.brokers,
      logLevel: kafkajsLogLevel(settings.logLevel ?? 'error'),
      logCreator: kafkajsLogCreator(this.logger),
    };
    this.kafka = new Kafka(common);
    this.healthKafka = new Kafka({ ...common, connectionTimeout: 1_000, requestTimeout: 2_000, retry: { retries: 0 } });
  }

  /** The full topic name for `base` under this client's prefix. */
  topic(base: string): string {
    return topicName(this.settings.topicPrefix, base);
  }

  async producer(): Promise<MessageProducer> {
    // Idempotence plus one request in flight keeps each partition free of duplicates and in send order
    // across the producer's internal retries.
    const connect = async () => {
      const fresh = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await fresh.connect();
      return fresh;
    };
    let producer = await connect();
    const handle: MessageProducer = {
      send: (topic, messages) => handle.sendMany([{ topic, messages }]),
      sendMany: async (batches) => {
        const topicMessages = batches.filter((batch) => batch.messages.length > 0);
        if (topicMessages.length === 0) return;
        const used = producer;
        try {
          await used.sendBatch({ acks: -1, topicMessages });
        } catch (error) {
          // A broker that crashed and restarted may have lost this producer's sequence numbers: every later send
          // of the same producer id is refused (out of order sequence) for ever. The caller retries the messages
          // anyway (the relay from its checkpoint, a consumer its batch), so the retry goes out on a new producer id.
          if (producer === used && producerStateLost(error)) {
            this.logger.warn('Kafka producer state lost on the broker; replacing the producer', { error: (error as Error).message });
            producer = await connect();
            await used.disconnect().catch(() => undefined);
          }
          throw error;
        }
      },
      disconnect: async () => {
        this.open.delete(handle);
        await producer.disconnect();
      },
    };
    this.open.set(handle, () => handle.disconnect());
    return handle;
  }

  /** Creates the topics that are missing; existing topics are left exactly as they are. */
  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    if (specs.length === 0) return;
    await this.withAdmin((admin) => whileTopicsSettle(() => this.ensureWith(admin, specs)));
  }

  private async ensureWith(admin: Admin, specs: TopicSpec[]): Promise<void> {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      const { brokers } = await admin.describeCluster();
      const topics = missing.map((s) => toTopicConfig(s, Math.min(MAX_DEFAULT_REPLICATION, brokers.length)));
      try {
        await admin.createTopics({ topics, waitForLeaders: true });
      } catch (error) {
        // Another process may have created some of them meanwhile; that is success, anything else is not.
        const now = new Set(await admin.listTopics());
        if (missing.some((s) => !now.has(s.name))) throw error;
      }
    }
    // A topic another process has only just created is listed before its partitions have leaders, and a
    // consumer subscribing in that window fails with "This server does not host this topic-partition".
    // So whoever created it, return only once every partition of every topic asked for has a leader.
    await waitForLeaders(admin, specs.map((s) => s.name));
  }

  async listTopics(): Promise<string[]> {
    return this.withAdmin((admin) => whileTopicsSettle(() => admin.listTopics()));
  }

  /** For health checks: fails within a few seconds when no broker answers. */
  async describeCluster(): Promise<ClusterInfo> {
    const admin = this.healthKafka.admin();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
    });
    try {
      const cluster = await Promise.race([admin.connect().then(() => admin.describeCluster()), timeout]);
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    } finally {
      clearTimeout(timer);
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Committed offset against the high watermark of every partition of `topics` for one group, sorted by topic and partition. */
  async consumerGroupLag(groupId: string, topics: string[]): Promise<PartitionLag[]> {
    if (topics.length === 0) return [];
    return this.withAdmin(async (admin) => {
      const [committed, ends] = await Promise.all([
        whileTopicsSettle(() => admin.fetchOffsets({ groupId, topics })),
        Promise.all(topics.map(async (topic) => ({ topic, partitions: await whileTopicsSettle(() => admin.fetchTopicOffsets(topic)) }))),
      ]);
      const result: PartitionLag[] = [];
      for (const { topic, partitions } of ends) {
        const group = committed.find((c) => c.topic === topic)?.partitions ?? [];
        for (const p of partitions) {
          const raw = group.find((g) => g.partition === p.partition)?.offset;
          // kafkajs reports "-1" for a partition the group has never committed on.
          const at = raw === undefined || raw === '-1' ? null : raw;
          result.push({ topic, partition: p.partition, committed: at, end: p.high, lag: partitionLag(raw ?? '-1', p.low, p.high).toString() });
        }
      }
      return result.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    });
  }

  /** Lower-level port for `@smi/consumer`; services should use its `EventConsumer` instead. */
  createConsumer(settings: GroupConsumerSettings): GroupConsumer {
    const consumer = this.kafka.consumer({ groupId: settings.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1_000 });
    const handle = new KafkajsGroupConsumer(consumer, settings, () => this.open.delete(handle));
    this.open.set(handle, () => handle.stop());
    return handle;
  }

  /** Disconnects every producer and consumer this client handed out and has not yet been disconnected. */
  async disconnect(): Promise<void> {
    await Promise.all([...this.open.values()].map((close) => close()));
  }

  private async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }
}

/** Offsets as Kafka gives them (strings; `-1` for no commit): messages from the committed one, or the earliest held, to the end. */
export function partitionLag(committed: string, low: string, high: string): bigint {
  const from = BigInt(committed) < 0n ? BigInt(low) : BigInt(committed) > BigInt(low) ? BigInt(committed) : BigInt(low);
  const lag = BigInt(high) - from;
  return lag > 0n ? lag : 0n;
}

const LEADER_WAIT_MS = 30_000;
const LEADER_POLL_MS = 100;

/**
 * Runs a metadata operation again while the cluster reports a retriable error. A metadata request for all topics
 * fails as a whole ("This server does not host this topic-partition") while ANY topic is still being created, e.g.
 * by another service starting at the same moment, and kafkajs gives up after its own few quick retries.
 */
export async function whileTopicsSettle<T>(operation: () => Promise<T>, waitMs = LEADER_WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetriable(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
    }
  }
}

function isRetriable(error: unknown): boolean {
  // kafkajs marks protocol errors worth retrying; when its own retrier gives up it throws a non-retriable error
  // whose `cause` is the last one.
  const candidate = error as { retriable?: boolean; cause?: { retriable?: boolean } } | null;
  return candidate?.retriable === true || candidate?.cause?.retriable === true;
}

async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (;;) {
    let reason: string;
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics });
      const leaderless = described.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
      if (leaderless.length === 0) return;
      reason = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
    } catch (error) {
      reason = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`topics not ready after ${LEADER_WAIT_MS} ms: ${reason}`);
    await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
  }
}

function toTopicConfig(spec: TopicSpec, defaultReplication: number): ITopicConfig {
  const configEntries: { name: string; value: string }[] = [];
  if (spec.retentionMs !== undefined) configEntries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  if (spec.cleanupPolicy) configEntries.push({ name: 'cleanup.policy', value: spec.cleanupPolicy });
  return {
    topic: spec.name,
    numPartitions: spec.partitions ?? DEFAULT_PARTITIONS,
    replicationFactor: spec.replicationFactor ?? defaultReplication,
    configEntries,
  };
}

/** kafkajs wraps a broker's error code (`type`) in retry errors as `originalError` or `cause`. */
export function producerStateLost(error: unknown): boolean {
  for (let e = error as { type?: string; originalError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.type === 'string' && PRODUCER_STATE_LOST.has(e.type)) return true;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return false;
}
