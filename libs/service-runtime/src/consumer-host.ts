import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConsumerStats, EventConsumer, EventConsumerOptions } from '@smi/consumer';
import { KafkaClient } from '@smi/kafka';
import { DataSource } from 'typeorm';
import { ResolvedTopics } from './platform-options';
import { KAFKA_CLIENT, TOPICS } from './tokens';

/** One consumer this service runs: its group and topics (`GET /ops/consumers`, lag metrics) and its counters (metrics). */
export interface HostedGroup {
  consumer: string;
  groupId: string;
  topics: string[];
  stats(): ConsumerStats;
}

/** What every hosted consumer takes from the platform, injected as one: the Kafka client, the database, the topic names. */
@Injectable()
export class ConsumerPlatform {
  private readonly groups = new Map<string, HostedGroup>();

  constructor(
    @Inject(KAFKA_CLIENT) readonly kafka: KafkaClient,
    readonly dataSource: DataSource,
    @Inject(TOPICS) readonly topics: ResolvedTopics,
  ) {}

  /** Each host says which group it runs, so `GET /ops/consumers` and the metrics report this service's groups and no others. */
  register(group: HostedGroup): void {
    this.groups.set(group.groupId, { ...group, topics: [...group.topics] });
  }

  hostedGroups(): HostedGroup[] {
    return [...this.groups.values()];
  }
}

/** What a hosted consumer says itself; its consumer group is its name under the topic prefix (see ConsumerHost). */
export type HostedConsumerOptions = Omit<EventConsumerOptions, 'kafka' | 'dataSource' | 'groupId'>;

/**
 * Runs one EventConsumer for the life of the application. Subclasses say what to consume and how to
 * apply it; the host makes sure the topics exist (a subscription to a missing topic fails on KRaft),
 * starts after the application is up and stops before the database closes.
 */
export abstract class ConsumerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: EventConsumer;
  protected readonly logger = new Logger(this.constructor.name);
  /** The service's topic names, with the prefix: what subclasses subscribe to. */
  protected readonly topics: ResolvedTopics;

  protected constructor(private readonly platform: ConsumerPlatform) {
    this.topics = platform.topics;
  }

  protected abstract consumerOptions(): HostedConsumerOptions;

  async onApplicationBootstrap(): Promise<void> {
    const options = this.consumerOptions();
    const { kafka, dataSource } = this.platform;
    await kafka.ensureTopics(options.topics.map((name) => ({ name, partitions: 6, retentionMs: -1 })));
    // Prefixed like the topics, so deployments (and test runs) that share a broker never share a group.
    const groupId = this.topics.name(options.name);
    const consumer = new EventConsumer({ ...options, groupId, kafka, dataSource });
    this.consumer = consumer;
    this.platform.register({ consumer: options.name, groupId, topics: options.topics, stats: () => consumer.stats() });
    await consumer.start();
    this.logger.log({ msg: 'consumer started', consumer: options.name, topics: options.topics });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  stats() {
    return this.consumer?.stats();
  }
}
