import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { KafkaClient, PartitionLag } from '@smi/kafka';
import { BatchObservableCallback, metricsMeter, Observable } from '@smi/telemetry';
import { DataSource } from 'typeorm';
import { ConsumerPlatform, HostedGroup } from './consumer-host';
import { PlatformLifecycle } from './platform-lifecycle';
import { KAFKA_CLIENT, SERVICE_NAME } from './tokens';

/** Consumer lag is asked of the broker at most this often, however often (and by however many) the service is scraped. */
export const CONSUMER_LAG_CACHE_MS = 10_000;

/**
 * Keeps one answer of `load` for `ttlMs`; a load in flight is shared, and a failed one is not kept, so the next scrape
 * asks again.
 */
export function cachedFor<T>(ttlMs: number, load: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let kept: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!kept || now() - kept.at >= ttlMs) {
      const value = load();
      const entry = { at: now(), value };
      kept = entry;
      value.catch(() => {
        if (kept === entry) kept = undefined;
      });
    }
    return kept.value;
  };
}

/**
 * The platform's own metrics on every service: the outbox relay (backlog, events published, which instance is
 * active), each hosted consumer (lag per topic and partition, messages applied, dead letters) and the dead letters
 * held. Read when Prometheus scrapes, each from what is cheapest: the relay's counters in memory, the backlog from
 * two index probes, lag from the broker at most every CONSUMER_LAG_CACHE_MS.
 */
@Injectable()
export class PlatformMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PlatformMetrics.name);
  private readonly lag: () => Promise<Array<PartitionLag & { consumer: string }>>;
  private readonly callbacks: Array<[BatchObservableCallback, Observable[]]> = [];

  constructor(
    @Inject(SERVICE_NAME) private readonly serviceName: string,
    private readonly platform: PlatformLifecycle,
    private readonly consumers: ConsumerPlatform,
    private readonly dataSource: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient,
  ) {
    this.lag = cachedFor(CONSUMER_LAG_CACHE_MS, () => this.readLag());
  }

  // The registry is the process's and outlives the application: a closed one's database must not be asked again.
  onModuleDestroy(): void {
    const meter = metricsMeter('@smi/service-runtime');
    for (const [callback, observables] of this.callbacks) meter.removeBatchObservableCallback(callback, observables);
  }

  private observeWith(callback: BatchObservableCallback, observables: Observable[]): void {
    metricsMeter('@smi/service-runtime').addBatchObservableCallback(callback, observables);
    this.callbacks.push([callback, observables]);
  }

  onModuleInit(): void {
    const meter = metricsMeter('@smi/service-runtime');
    const backlog = meter.createObservableGauge('outbox_relay_backlog_events', {
      description: 'Events stored and not yet passed by the outbox relay (last stored position less the relay checkpoint; approximate, see the runbook)',
    });
    const published = meter.createObservableCounter('outbox_relay_published_events', {
      description: 'Events this instance has published to Kafka since it started (rate() is the publish rate)',
    });
    const active = meter.createObservableGauge('outbox_relay_active', { description: '1 when this instance holds the relay lock and publishes, 0 when it stands by' });
    this.observeWith(
      async (result) => {
        const state = this.platform.relayState();
        result.observe(published, state?.publishedSinceStart ?? 0);
        result.observe(active, state?.active ? 1 : 0);
        result.observe(backlog, await this.relayBacklog());
      },
      [backlog, published, active],
    );

    const lag = meter.createObservableGauge('kafka_consumer_lag_messages', {
      description: 'Messages on a partition the consumer group has not yet committed (cached for 10 s)',
    });
    this.observeWith(
      async (result) => {
        for (const row of await this.lag()) result.observe(lag, Number(row.lag), { consumer: row.consumer, topic: row.topic, partition: String(row.partition) });
      },
      [lag],
    );

    const processed = meter.createObservableCounter('kafka_consumer_processed_messages', { description: 'Messages applied by the consumer since this instance started' });
    const deadLettered = meter.createObservableCounter('kafka_consumer_dead_letters', {
      description: 'Messages this instance sent to the dead-letter topic since it started',
    });
    const held = meter.createObservableGauge('kafka_consumer_dead_letters_held', {
      description: 'Dead letters recorded in consumer_dead_letters, by consumer and source topic',
    });
    this.observeWith(
      async (result) => {
        for (const consumer of this.consumers.hostedGroups()) {
          const stats = consumer.stats();
          result.observe(processed, stats.processed, { consumer: consumer.consumer });
          result.observe(deadLettered, stats.deadLettered, { consumer: consumer.consumer });
        }
        for (const row of await this.deadLettersHeld()) result.observe(held, row.count, { consumer: row.consumer, topic: row.topic });
      },
      [processed, deadLettered, held],
    );
  }

  private async relayBacklog(): Promise<number> {
    // Two index probes, whatever the backlog: a count(*) past the checkpoint would read every row of a large one.
    const [row]: Array<{ backlog: string }> = await this.dataSource.query(
      `SELECT GREATEST(COALESCE((SELECT max(position) FROM events), 0)
                       - COALESCE((SELECT position FROM outbox_relay_checkpoints WHERE relay = $1), 0), 0)::text AS backlog`,
      [this.serviceName],
    );
    return Number(row.backlog);
  }

  private async readLag(): Promise<Array<PartitionLag & { consumer: string }>> {
    const all = await Promise.all(
      this.consumers.hostedGroups().map(async (consumer: HostedGroup) => {
        try {
          return (await this.kafka.consumerGroupLag(consumer.groupId, consumer.topics)).map((row) => ({ ...row, consumer: consumer.consumer }));
        } catch (error) {
          // One group's failure leaves its series out of the scrape; the others are still served.
          this.logger.warn({ msg: 'consumer lag not read', consumer: consumer.consumer, error: (error as Error).message });
          return [];
        }
      }),
    );
    return all.flat();
  }

  /**
   * Every consumer of this instance at 0 unless it holds rows, so the series exists before the first dead letter
   * and an alert on `> 0` sees the change. The rows are few (each is an incident), so the count is cheap.
   */
  private async deadLettersHeld(): Promise<Array<{ consumer: string; topic: string; count: number }>> {
    const rows: Array<{ consumer: string; topic: string; count: number }> = await this.dataSource.query(
      `SELECT consumer, topic, count(*)::int AS count FROM consumer_dead_letters WHERE replayed_at IS NULL GROUP BY consumer, topic`,
    );
    const byKey = new Map(rows.map((row) => [`${row.consumer}\u0000${row.topic}`, row]));
    for (const consumer of this.consumers.hostedGroups()) {
      for (const topic of consumer.topics) {
        const key = `${consumer.consumer}\u0000${topic}`;
        if (!byKey.has(key)) byKey.set(key, { consumer: consumer.consumer, topic, count: 0 });
      }
    }
    return [...byKey.values()];
  }
}
