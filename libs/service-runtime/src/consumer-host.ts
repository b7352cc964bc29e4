import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventConsumer, EventConsumerOptions } from '@smi/consumer';
import { KafkaClient } from '@smi/kafka';
import { DataSource } from 'typeorm';

export type HostedConsumerOptions = Omit<EventConsumerOptions, 'kafka' | 'dataSource'>;

/**
 * Runs one EventConsumer for the life of the application. Subclasses say what to consume and how to
 * apply it; the host makes sure the topics exist (a subscription to a missing topic fails on KRaft),
 * starts after the application is up and stops before the database closes.
 */
export abstract class ConsumerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: EventConsumer;
  protected readonly logger = new Logger(this.constructor.name);

  protected constructor(
    protected readonly kafka: KafkaClient,
    protected readonly dataSource: DataSource,
  ) {}

  protected abstract consumerOptions(): HostedConsumerOptions;

  async onApplicationBootstrap(): Promise<void> {
    const options = this.consumerOptions();
    await this.kafka.ensureTopics(options.topics.map((name) => ({ name, partitions: 6, retentionMs: -1 })));
    this.consumer = new EventConsumer({ ...options, kafka: this.kafka, dataSource: this.dataSource });
    await this.consumer.start();
    this.logger.log({ msg: 'consumer started', consumer: options.name, topics: options.topics });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  stats() {
    return this.consumer?.stats();
  }
}
