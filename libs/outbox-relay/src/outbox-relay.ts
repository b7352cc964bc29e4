import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { APPEND_CHANNEL, AppendNotifications, GlobalCheckpoint, pgConnectionConfig, PostgresEventStore, RecordedEvent, START } from '@smi/event-store';
import { MessageProducer, OutgoingMessage } from '@smi/kafka';
import type { Logger } from '@smi/telemetry';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { cloudEventHeaders } from './cloud-event-headers';

/** A rewind to a position that holds no event: the operator's input, not a failure of the relay. */
export class NoEventAtPositionError extends Error {
  constructor(readonly position: string) {
    super(`no event at position ${position}`);
    this.name = 'NoEventAtPositionError';
  }
}

export interface OutboxRelayOptions {
  /** One relay name per service; instances with the same name elect one active publisher. */
  name: string;
  dataSource: DataSource;
  store: PostgresEventStore;
  producer: MessageProducer;
  /** The Kafka topic for an event (usually `<service>.events`, prefixed). */
  topicFor: (event: RecordedEvent) => string;
  /**
   * Further messages an event causes, published through the same outbox so they are never lost either
   * (e.g. the inventory's Service Request responses to `inventory.service-responses`).
   */
  extraMessages?: (event: RecordedEvent) => Array<{ topic: string; message: OutgoingMessage }>;
  /**
   * Which events of the store are this service's to publish (default: all). A service that keeps copies of
   * another service's events in its store, for its projections to rebuild from, leaves those to their owner:
   * the relay passes over them and its checkpoint moves past them all the same.
   */
  publishes?: (event: RecordedEvent) => boolean;
  /** CloudEvents `source`, e.g. `urn:smi:service:inventory`. */
  source: string;
  batchSize?: number;
  /** Longest sleep between reads when no notification arrives. */
  pollIntervalMs?: number;
  /** How often a standby instance tries to take over the lock. */
  standbyRetryMs?: number;
  logger?: Logger;
  /** Test seam: runs after the broker acknowledged a batch and before the checkpoint is stored. */
  afterPublish?: (events: RecordedEvent[]) => Promise<void>;
}

export interface RelayStatus {
  active: boolean;
  /** Active, has published everything it read, and waits for an append notification (or the poll). */
  idle: boolean;
  checkpoint: GlobalCheckpoint;
  publishedSinceStart: number;
  /**
   * How the relay's waits for new events ended since start: a relay whose wake-ups are all `polled` has lost
   * its notifications and publishes up to one poll interval late.
   */
  wakeUps: { notified: number; polled: number };
  lastError?: string;
}

const tracer = trace.getTracer('@smi/outbox-relay');

/**
 * Publishes committed events from the event store to Kafka, in commit order, keyed by stream id.
 * The checkpoint moves only after the broker acknowledged (acks=all, idempotent producer), so a crash
 * repeats a batch and never loses one; consumers drop the repeats by event id.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly standbyRetryMs: number;
  private running = false;
  private loop?: Promise<void>;
  private lockClient?: Client;
  private notifications?: AppendNotifications;
  private state: Omit<RelayStatus, 'idle'> = { active: false, checkpoint: START, publishedSinceStart: 0, wakeUps: { notified: 0, polled: 0 } };
  private wakeStandby?: () => void;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.standbyRetryMs = options.standbyRetryMs ?? 2000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeStandby?.();
    await this.notifications?.stop();
    await this.loop;
    await this.releaseLock();
  }

  status(): RelayStatus {
    const idle = this.state.active && this.notifications?.waiting === true;
    return { ...this.state, idle, checkpoint: { ...this.state.checkpoint }, wakeUps: { ...this.state.wakeUps } };
  }

  /** Events appended and not yet passed by the relay (published, or passed over as not its to publish): the backlog metric. */
  async backlog(): Promise<number> {
    return this.options.store.countAfter(await this.loadCheckpoint());
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!(await this.acquireLock())) {
          await this.sleep(this.standbyRetryMs);
          continue;
        }
        this.state.active = true;
        this.options.logger?.info('outbox relay active', { relay: this.options.name });
        await this.publishWhileActive();
      } catch (error) {
        this.state.lastError = (error as Error).message;
        this.options.logger?.error('outbox relay failed; restarting from the stored checkpoint', { relay: this.options.name, error: (error as Error).message });
        await this.releaseLock();
        await this.sleep(Math.min(this.standbyRetryMs, 1000));
      } finally {
        this.state.active = false;
      }
    }
  }

  private async publishWhileActive(): Promise<void> {
    this.notifications = new AppendNotifications(pgConnectionConfig(this.options.dataSource), (e) =>
      this.options.logger?.error('event notification connection failed', { error: e.message }),
    );
    await this.notifications.start();
    try {
      while (this.running && this.lockClient) {
        // Read every round: an operator may have rewound the checkpoint to re-publish (see rewind()).
        const checkpoint = await this.loadCheckpoint();
        this.state.checkpoint = checkpoint;
        const page = await this.options.store.readAll({ after: checkpoint, limit: this.batchSize, dataAsText: true });
        if (page.events.length === 0) {
          const wakeUp = await this.notifications.wait(this.pollIntervalMs);
          if (wakeUp !== 'stopped') this.state.wakeUps[wakeUp] += 1;
          continue;
        }
        const own = this.options.publishes ? page.events.filter(this.options.publishes) : page.events;
        if (own.length > 0) {
          await this.publish(own);
          if (this.options.afterPublish) await this.options.afterPublish(own);
        }
        if (!this.lockClient) throw new Error('lost the relay lock before storing the checkpoint; the batch will be repeated');
        if (await this.storeCheckpoint(checkpoint, page.checkpoint, own.length)) {
          this.state.checkpoint = page.checkpoint;
          this.state.publishedSinceStart += own.length;
        }
      }
    } finally {
      await this.notifications.stop();
    }
  }

  private async publish(events: RecordedEvent[]): Promise<void> {
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const event of events) {
      const topic = this.options.topicFor(event);
      const list = byTopic.get(topic) ?? [];
      list.push(this.toMessage(event, topic));
      byTopic.set(topic, list);
      for (const extra of this.options.extraMessages?.(event) ?? []) {
        const extraList = byTopic.get(extra.topic) ?? [];
        extraList.push(extra.message);
        byTopic.set(extra.topic, extraList);
      }
    }
    // One request for every topic: a Service Request's response no longer waits for its events' own round trip.
    await this.options.producer.sendMany([...byTopic].map(([topic, messages]) => ({ topic, messages })));
  }

  /**
   * Each event's PRODUCER span continues the trace stored with the event at append time, so one trace
   * runs from the HTTP request that caused it through Kafka into every consumer.
   */
  private toMessage(event: RecordedEvent, topic: string): OutgoingMessage {
    const parent = event.metadata.traceparent
      ? propagation.extract(ROOT_CONTEXT, { traceparent: event.metadata.traceparent, tracestate: event.metadata.tracestate })
      : ROOT_CONTEXT;
    const span = tracer.startSpan(
      `${topic} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic,
          'messaging.message.id': event.eventId,
          'messaging.kafka.message.key': event.streamId,
          'smi.event_type': event.type,
        },
      },
      parent,
    );
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    span.end();
    return {
      key: event.streamId,
      // The stored JSON text as it is: the same document, without parsing and serialising every event again.
      value: event.dataText ?? JSON.stringify(event.data),
      headers: cloudEventHeaders(event, this.options.source, carrier.traceparent, carrier.tracestate),
    };
  }

  /** Session-level advisory lock on a dedicated connection: held exactly as long as that connection lives. */
  private async acquireLock(): Promise<boolean> {
    if (this.lockClient) return true;
    const client = new Client(pgConnectionConfig(this.options.dataSource));
    client.on('error', (error) => {
      this.options.logger?.error('relay lock connection lost', { error: error.message });
      if (this.lockClient === client) this.lockClient = undefined;
    });
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`, [
      `outbox-relay:${this.options.name}`,
    ]);
    if (!rows[0].locked) {
      await client.end();
      return false;
    }
    this.lockClient = client;
    return true;
  }

  private async releaseLock(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = undefined;
    await client?.end().catch(() => undefined);
  }

  private async loadCheckpoint(): Promise<GlobalCheckpoint> {
    const rows: Array<{ transaction_id: string; position: string }> = await this.options.dataSource.query(
      `SELECT transaction_id::text AS transaction_id, position::text AS position FROM outbox_relay_checkpoints WHERE relay = $1`,
      [this.options.name],
    );
    return rows[0] ? { transactionId: rows[0].transaction_id, position: rows[0].position } : START;
  }

  /**
   * Compare-and-set: if the stored checkpoint is no longer the one this batch started from, an operator
   * rewound it meanwhile, and the rewind wins (the next round re-reads it).
   */
  private async storeCheckpoint(from: GlobalCheckpoint, to: GlobalCheckpoint, published: number): Promise<boolean> {
    const result: unknown[] = await this.options.dataSource.query(
      `INSERT INTO outbox_relay_checkpoints AS c (relay, transaction_id, position, published, updated_at)
       VALUES ($1, $4::xid8, $5::bigint, $6, now())
       ON CONFLICT (relay) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position,
         published = c.published + EXCLUDED.published, updated_at = now()
       WHERE c.transaction_id = $2::xid8 AND c.position = $3::bigint
       RETURNING 1`,
      [this.options.name, from.transactionId, from.position, to.transactionId, to.position, published],
    );
    return Array.isArray(result) && result.length > 0;
  }

  /**
   * Re-publishes every event from `position` on (in commit order), e.g. after a consumer's data was
   * lost. Works on whichever instance holds the lock: the active relay reads the rewound checkpoint on
   * its next round. Consumers drop the repeats they have already applied.
   */
  async rewind(position: string): Promise<GlobalCheckpoint> {
    const exists: unknown[] = await this.options.dataSource.query(`SELECT 1 FROM events WHERE position = $1::bigint`, [position]);
    if (exists.length === 0) throw new NoEventAtPositionError(position);
    // The relay reads in commit order, (transaction id, position), and positions are taken at insert: a
    // transaction that began earlier (a lower id) can hold a later position. Starting at the event at
    // `position` would skip such events; starting at the first, in commit order, of all events from `position`
    // on re-publishes every one of them (and perhaps a few before, which consumers drop as repeats). The order
    // names the table's columns: a bare name would mean the text casts below, and as text 100 sorts before 99.
    const rows: Array<{ transaction_id: string; position: string }> = await this.options.dataSource.query(
      `SELECT transaction_id::text AS transaction_id, position::text AS position FROM events
       WHERE position >= $1::bigint ORDER BY events.transaction_id, events.position LIMIT 1`,
      [position],
    );
    const checkpoint = { transactionId: rows[0].transaction_id, position: (BigInt(rows[0].position) - 1n).toString() };
    await this.options.dataSource.query(
      `INSERT INTO outbox_relay_checkpoints (relay, transaction_id, position, updated_at) VALUES ($1, $2::xid8, $3::bigint, now())
       ON CONFLICT (relay) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position, updated_at = now()`,
      [this.options.name, checkpoint.transactionId, checkpoint.position],
    );
    await this.options.dataSource.query(`SELECT pg_notify($1, '')`, [APPEND_CHANNEL]);
    return checkpoint;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeStandby = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Test seam for crash tests: drops the lock connection as a killed process would, without a checkpoint. */
  async simulateCrash(): Promise<void> {
    this.running = false;
    await this.releaseLock();
  }
}
