import type { GroupConsumer, IncomingMessage, KafkaClient, MessageProducer, PartitionBatch } from '@smi/kafka';
import type { DataSource, EntityManager } from 'typeorm';
import { isPermanentByDefault } from './errors';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';
import { inConsumerSpan } from './tracing';

export interface EventConsumerOptions {
  /** Names this consumer's rows in the inbox: two consumers of one message each apply it once. */
  name: string;
  groupId: string;
  /** Must exist already (services create their topics up front); `start()` fails otherwise. */
  topics: string[];
  kafka: KafkaClient;
  dataSource: DataSource;
  /**
   * Applies messages never seen before, in partition order, inside the transaction that records them in the
   * inbox: write only through `manager`. Throw PermanentMessageError for a message that can never succeed.
   */
  handleBatch(messages: IncomingMessage[], manager: EntityManager): Promise<void>;
  /**
   * The event types (`ce_type` header) this consumer applies. Others are passed over: their offsets are committed
   * with the rest, but they open no transaction and leave no inbox row, since applying them would change nothing.
   * Default: every message goes to `handleBatch`.
   */
  eventTypes?: readonly string[];
  /** Default: the CloudEvents `ce_id` header, else `<topic>:<partition>:<offset>`. */
  messageId?(message: IncomingMessage): string;
  /** Most messages per transaction. Default 500. */
  maxBatchSize?: number;
  retry?: Partial<RetryPolicy>;
  /** Errors not worth retrying. Default: PermanentMessageError and SyntaxError. */
  isPermanent?(error: unknown): boolean;
  /** Default `<topic>.dlq`. */
  dlqTopic?(topic: string): string;
  /** Where a new group starts. Default true: a new projection must see the whole history. */
  fromBeginning?: boolean;
  /** Partitions handled at the same time (each still in order). Default 1. */
  partitionsConsumedConcurrently?: number;
}

export interface ConsumerStats {
  /** Messages applied by the handler (and committed). */
  processed: number;
  /** Redeliveries recognised by the inbox and not applied again. */
  duplicatesDropped: number;
  /** Messages of event types the consumer does not apply (see `eventTypes`), committed without a transaction. */
  passedOver: number;
  deadLettered: number;
  /** Transaction attempts that failed and were tried again. */
  retries: number;
}

type Outcome = { kind: 'applied' } | { kind: 'failed'; error: unknown } | { kind: 'stopped' };

const HEARTBEAT_SLICE_MS = 1_000;

/**
 * Consumes topics with exactly-once EFFECTS: each chunk of a partition's batch is recorded in the inbox and
 * applied in one database transaction, and only then is the Kafka offset committed. A redelivery (crash,
 * rebalance, duplicate publish) finds its message id in the inbox and is dropped.
 *
 * A chunk that fails transiently is retried with backoff; one that fails permanently, or runs out of
 * retries, is replayed one message per transaction so that only the failing message(s) go to the DLQ.
 * Each transaction runs in a CONSUMER span (see inConsumerSpan). Logs go to the KafkaClient's logger.
 */
export class EventConsumer {
  private readonly retry: RetryPolicy;
  private readonly maxBatchSize: number;
  private readonly counters: ConsumerStats = { processed: 0, duplicatesDropped: 0, passedOver: 0, deadLettered: 0, retries: 0 };
  private running?: { consumer: GroupConsumer; producer: MessageProducer };

  constructor(private readonly options: EventConsumerOptions) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.maxBatchSize = options.maxBatchSize ?? 500;
    if (this.retry.attempts < 1) throw new Error('retry.attempts must be at least 1');
    if (this.maxBatchSize < 1) throw new Error('maxBatchSize must be at least 1');
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`consumer ${this.options.name} is already started`);
    const { kafka, topics } = this.options;
    const existing = new Set(await kafka.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      throw new Error(`topic ${missing.join(', ')} does not exist: create topics before consuming them (KafkaClient.ensureTopics)`);
    }
    // Dead letters are kept until someone has looked at them, hence no retention limit.
    await kafka.ensureTopics(topics.map((t) => ({ name: this.dlqTopic(t), retentionMs: -1 })));

    const producer = await kafka.producer();
    const consumer = kafka.createConsumer({
      groupId: this.options.groupId,
      topics,
      fromBeginning: this.options.fromBeginning ?? true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
    });
    consumer.onCrash((error, restarting) =>
      kafka.logger.error('consumer crashed', { consumer: this.options.name, error: error.message, restarting }),
    );
    this.running = { consumer, producer };
    try {
      await consumer.start((batch) => this.handlePartitionBatch(batch, producer));
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Finishes and commits the chunk in flight, leaves the group, disconnects. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    // Consumer first: the chunk in flight may still need the producer for a dead letter.
    try {
      await running.consumer.stop();
    } finally {
      await running.producer.disconnect();
    }
  }

  stats(): ConsumerStats {
    return { ...this.counters };
  }

  private async handlePartitionBatch(batch: PartitionBatch, producer: MessageProducer): Promise<void> {
    const wanted = this.options.eventTypes ? new Set(this.options.eventTypes) : undefined;
    const messages = wanted ? batch.messages.filter((m) => wanted.has(m.headers.ce_type ?? '')) : batch.messages;
    for (let start = 0; start < messages.length; start += this.maxBatchSize) {
      if (!batch.shouldContinue()) return;
      const chunk = messages.slice(start, start + this.maxBatchSize);
      const outcome = await this.applyWithRetries(batch, chunk);
      if (outcome.kind === 'stopped') return;
      if (outcome.kind === 'failed') {
        if (!(await this.isolatePoison(batch, chunk, outcome.error, producer))) return;
      } else {
        await batch.commit(chunk[chunk.length - 1].offset);
      }
      await batch.heartbeat();
    }
    if (!wanted) return;
    // Whatever was passed over after the last applied message is done with too.
    const last = batch.messages[batch.messages.length - 1];
    if (last && messages[messages.length - 1] !== last) {
      if (!batch.shouldContinue()) return;
      await batch.commit(last.offset);
      await batch.heartbeat();
    }
    this.counters.passedOver += batch.messages.length - messages.length;
  }

  /**
   * The chunk failed for good; retried one message at a time so that only the message(s) that really fail
   * are dead-lettered and the rest are applied. Returns false if the consumer is stopping.
   */
  private async isolatePoison(batch: PartitionBatch, chunk: IncomingMessage[], chunkError: unknown, producer: MessageProducer): Promise<boolean> {
    for (const message of chunk) {
      // Each message is committed on its own here, so a stop can take effect between them.
      if (!batch.shouldContinue()) return false;
      const outcome: Outcome = chunk.length === 1 ? { kind: 'failed', error: chunkError } : await this.applyWithRetries(batch, [message]);
      if (outcome.kind === 'stopped') return false;
      if (outcome.kind === 'failed') await this.deadLetter(message, outcome.error, producer);
      await batch.commit(message.offset);
    }
    return true;
  }

  private async applyWithRetries(batch: PartitionBatch, messages: IncomingMessage[]): Promise<Outcome> {
    const isPermanent = this.options.isPermanent ?? isPermanentByDefault;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.apply(messages);
        return { kind: 'applied' };
      } catch (error) {
        if (isPermanent(error) || attempt >= this.retry.attempts) return { kind: 'failed', error };
        this.counters.retries++;
        this.options.kafka.logger.warn('handler failed, retrying', {
          consumer: this.options.name,
          topic: batch.topic,
          partition: batch.partition,
          firstOffset: messages[0].offset,
          messages: messages.length,
          attempt,
          error: describeError(error).message,
        });
        if (!(await this.waitHeartbeating(batch, backoffDelay(attempt, this.retry)))) return { kind: 'stopped' };
      }
    }
  }

  /** One transaction: claim the message ids in the inbox, apply only the new ones. Counters move after commit. */
  private async apply(messages: IncomingMessage[]): Promise<void> {
    const fresh = await inConsumerSpan(this.options.groupId, messages, () =>
      this.options.dataSource.transaction(async (manager) => {
        const claimed = await this.claim(manager, messages);
        if (claimed.length > 0) await this.options.handleBatch(claimed, manager);
        return claimed.length;
      }),
    );
    this.counters.processed += fresh;
    this.counters.duplicatesDropped += messages.length - fresh;
  }

  /** Inserts inbox rows; returns the messages whose ids were not there yet (first occurrence, in order). */
  private async claim(manager: EntityManager, messages: IncomingMessage[]): Promise<IncomingMessage[]> {
    const unique = new Map<string, IncomingMessage>();
    for (const m of messages) {
      const id = this.messageId(m);
      if (!unique.has(id)) unique.set(id, m);
    }
    const candidates = [...unique.entries()];
    const rows: { message_id: string }[] = await manager.query(
      `INSERT INTO consumer_inbox (consumer, message_id, topic, partition, "offset")
       SELECT $1, m.id, m.topic, m.partition, m."offset"
       FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[]) AS m(id, topic, partition, "offset")
       ON CONFLICT DO NOTHING
       RETURNING message_id`,
      [
        this.options.name,
        candidates.map(([id]) => id),
        candidates.map(([, m]) => m.topic),
        candidates.map(([, m]) => m.partition),
        candidates.map(([, m]) => m.offset),
      ],
    );
    const claimed = new Set(rows.map((r) => r.message_id));
    return candidates.filter(([id]) => claimed.has(id)).map(([, m]) => m);
  }

  /**
   * Records the message as dead (inbox row, so a redelivery is not dead-lettered again, plus a
   * consumer_dead_letters row) and publishes it to the DLQ, all before the transaction commits: if Kafka
   * refuses, nothing is recorded and the partition does not move on. A crash between publish and commit can
   * duplicate a dead letter, never lose one.
   */
  private async deadLetter(message: IncomingMessage, error: unknown, producer: MessageProducer): Promise<void> {
    const { name, dataSource, kafka } = this.options;
    const id = this.messageId(message);
    const { type, message: text } = describeError(error);
    const recorded = await dataSource.transaction(async (manager) => {
      const claimed: unknown[] = await manager.query(
        `INSERT INTO consumer_inbox (consumer, message_id, topic, partition, "offset") VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING message_id`,
        [name, id, message.topic, message.partition, message.offset],
      );
      if (claimed.length === 0) return false; // applied meanwhile by another member after a rebalance
      await manager.query(
        `INSERT INTO consumer_dead_letters (consumer, topic, partition, "offset", message_id, error, message_key, message_value, message_headers)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        // The message as received, so an operator can replay it from here (see DeadLetterStore).
        [name, message.topic, message.partition, message.offset, id, `${type}: ${text}`, message.key, message.value ?? Buffer.alloc(0), JSON.stringify(message.headers)],
      );
      await producer.send(this.dlqTopic(message.topic), [
        {
          key: message.key,
          // Our producer port has no tombstones; an empty value stands for one in the DLQ.
          value: message.value ?? Buffer.alloc(0),
          headers: {
            ...message.headers,
            dlq_error: text,
            dlq_error_type: type,
            dlq_source_topic: message.topic,
            dlq_source_partition: String(message.partition),
            dlq_source_offset: message.offset,
            dlq_consumer: name,
            dlq_failed_at: new Date().toISOString(),
          },
        },
      ]);
      return true;
    });
    if (!recorded) return;
    this.counters.deadLettered++;
    kafka.logger.warn('message dead-lettered', {
      consumer: name,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      messageId: id,
      errorType: type,
      error: text,
    });
  }

  /** Sleeps in slices, heartbeating so the group keeps this member; false if the consumer is stopping. */
  private async waitHeartbeating(batch: PartitionBatch, delayMs: number): Promise<boolean> {
    const until = Date.now() + delayMs;
    for (;;) {
      if (!batch.shouldContinue()) return false;
      const remaining = until - Date.now();
      if (remaining <= 0) return true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(remaining, HEARTBEAT_SLICE_MS)));
      await batch.heartbeat();
    }
  }

  private messageId(message: IncomingMessage): string {
    if (this.options.messageId) return this.options.messageId(message);
    return message.headers['ce_id'] ?? `${message.topic}:${message.partition}:${message.offset}`;
  }

  private dlqTopic(topic: string): string {
    return this.options.dlqTopic ? this.options.dlqTopic(topic) : `${topic}.dlq`;
  }
}

function describeError(error: unknown): { type: string; message: string } {
  return error instanceof Error ? { type: error.name, message: error.message } : { type: 'unknown', message: String(error) };
}
