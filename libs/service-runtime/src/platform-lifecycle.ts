import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '@smi/decider';
import { PostgresEventStore } from '@smi/event-store';
import { KafkaClient, MessageProducer, TopicSpec } from '@smi/kafka';
import { OutboxRelay } from '@smi/outbox-relay';
import { AsyncProjectionRunner, Projection, Reaction, reactionProjection } from '@smi/projections';
import { DataSource } from 'typeorm';
import { nestLogger } from './nest-logger';
import type { ResolvedTopics, ServicePlatformOptions } from './platform-options';
import { EVENT_STORE, KAFKA_CLIENT, MESSAGE_PRODUCER, PLATFORM_OPTIONS, PLATFORM_TOPIC_SPECS, SERVICE_NAME, TOPICS } from './tokens';

@Injectable()
export class PlatformLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = nestLogger('Platform');
  private relay?: OutboxRelay;
  private projections?: AsyncProjectionRunner;
  /** The read models of the options, then the reactions the service's modules added while they initialised. */
  private readonly projectionList: Projection[];

  constructor(
    @Inject(SERVICE_NAME) private readonly serviceName: string,
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient,
    @Inject(MESSAGE_PRODUCER) private readonly producer: MessageProducer,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(TOPICS) private readonly topics: ResolvedTopics,
    @Inject(PLATFORM_TOPIC_SPECS) private readonly topicSpecs: TopicSpec[],
    @Inject(PLATFORM_OPTIONS) private readonly options: ServicePlatformOptions,
    private readonly dataSource: DataSource,
  ) {
    this.projectionList = [...(options.projections ?? [])];
  }

  /**
   * Runs `reaction` on the projection runner, beside the read models. Providers built by dependency
   * injection (a reaction needs its use case's handler) call this from `onModuleInit`, which Nest runs for
   * every module before the runner starts in `onApplicationBootstrap`.
   */
  addReaction(reaction: Reaction): void {
    if (this.projections) throw new Error(`reaction ${reaction.name} was added after the projection runner started`);
    this.projectionList.push(reactionProjection(reaction));
  }

  async onApplicationBootstrap(): Promise<void> {
    // Subscribing to a missing topic fails on KRaft, so every topic this service touches exists first.
    await this.kafka.ensureTopics(this.topicSpecs);
    this.relay = new OutboxRelay({
      name: this.serviceName,
      dataSource: this.dataSource,
      store: this.store,
      producer: this.producer,
      topicFor: () => this.topics.events,
      extraMessages: this.options.extraMessages ? (event) => this.options.extraMessages!(event, this.topics) : undefined,
      publishes: this.options.publishedEvents,
      source: `urn:smi:service:${this.serviceName}`,
      logger: this.logger,
    });
    this.relay.start();
    if (this.projectionList.length > 0) {
      this.projections = new AsyncProjectionRunner({
        dataSource: this.dataSource,
        store: this.store,
        projections: this.projectionList,
        logger: this.logger,
      });
      await this.projections.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projections?.stop();
    await this.relay?.stop();
    await this.producer.disconnect().catch(() => undefined);
    await this.kafka.disconnect().catch(() => undefined);
  }

  async relayReport() {
    if (!this.relay) return { running: false };
    return { running: true, ...this.relay.status(), backlog: await this.relay.backlog() };
  }

  /** The relay's state on this instance (undefined before it starts), without the backlog's count. */
  relayState() {
    return this.relay?.status();
  }

  async projectionStatus() {
    return this.projections ? this.projections.readModelStatus() : [];
  }

  /** Starts a rebuild beside the live read model and returns at once; progress is polled. */
  async startProjectionRebuild(name: string): Promise<string> {
    return this.runnerFor(name).startRebuild(name);
  }

  async projectionRebuildProgress(name: string) {
    return this.runnerFor(name).rebuildProgress(name);
  }

  private runnerFor(name: string): AsyncProjectionRunner {
    if (!this.projections || !this.projectionList.some((p) => p.name === name)) {
      throw new DomainError('PROJECTION_NOT_FOUND', `${this.serviceName} has no read model named ${name}`);
    }
    return this.projections;
  }

  async rewindRelay(fromPosition: string) {
    if (!this.relay) throw new Error('the relay is not running');
    return this.relay.rewind(fromPosition);
  }
}

