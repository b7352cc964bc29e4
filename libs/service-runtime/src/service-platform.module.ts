import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule, jwtVerifierOptionsFrom } from '@smi/auth';
import { CommonSettings } from '@smi/config';
import { CONSUMER_MIGRATIONS } from '@smi/consumer';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore, RecordedEvent, UpcasterRegistry } from '@smi/event-store';
import { KafkaClient, MessageProducer, OutgoingMessage, TopicSpec, topicName } from '@smi/kafka';
import { OUTBOX_RELAY_MIGRATIONS, OutboxRelay } from '@smi/outbox-relay';
import { PROJECTION_MIGRATIONS } from '@smi/projections';
import { DataSource } from 'typeorm';
import { DomainErrorFilter } from './domain-error.filter';
import { HealthController } from './health.controller';
import { EVENT_STORE, KAFKA_CLIENT, MESSAGE_PRODUCER, SERVICE_NAME, SERVICE_SETTINGS, TOPICS } from './tokens';

/** Kafka topics a service uses, by their base names (the prefix is applied here). */
export interface ServiceTopics {
  /** Where the relay publishes this service's events: `<service>.events`. */
  events: string;
  /** Topics this service consumes or produces besides its own events; created up front. */
  others?: string[];
}

export interface ServicePlatformOptions {
  serviceName: string;
  settings: CommonSettings;
  /** Full URL of the service's own database. */
  databaseUrl: string;
  /** The service's own migrations; the platform adds those of the shared mechanisms. */
  migrations: Array<new () => unknown>;
  topics: ServiceTopics;
  upcasters?: UpcasterRegistry;
  /** Messages besides the event itself that the relay publishes for an event (see OutboxRelayOptions). */
  extraMessages?: (event: RecordedEvent, topics: ResolvedTopics) => Array<{ topic: string; message: OutgoingMessage }>;
  /** Partitions for topics this service creates (default 6). */
  partitions?: number;
}

/** Resolved topic names (prefix applied), injectable with @Inject(TOPICS). */
export interface ResolvedTopics {
  events: string;
  name(base: string): string;
}

/** Every shared mechanism's tables, created before the service's own. */
export const PLATFORM_MIGRATIONS = [...EVENT_STORE_MIGRATIONS, ...OUTBOX_RELAY_MIGRATIONS, ...CONSUMER_MIGRATIONS, ...PROJECTION_MIGRATIONS];

@Injectable()
class PlatformLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Platform');
  private relay?: OutboxRelay;

  constructor(
    @Inject(SERVICE_NAME) private readonly serviceName: string,
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient,
    @Inject(MESSAGE_PRODUCER) private readonly producer: MessageProducer,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(TOPICS) private readonly topics: ResolvedTopics,
    @Inject('PLATFORM_TOPIC_SPECS') private readonly topicSpecs: TopicSpec[],
    @Inject('PLATFORM_OPTIONS') private readonly options: ServicePlatformOptions,
    private readonly dataSource: DataSource,
  ) {}

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
      source: `urn:smi:service:${this.serviceName}`,
      logger: {
        info: (message, fields) => this.logger.log({ msg: message, ...fields }),
        error: (message, fields) => this.logger.error({ msg: message, ...fields }),
      },
    });
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await this.producer.disconnect().catch(() => undefined);
    await this.kafka.disconnect().catch(() => undefined);
  }

  relayStatus() {
    return this.relay?.status();
  }
}

/**
 * What every service shares: its database (migrations run at start, never `synchronize`), the event
 * store, the outbox relay to `<service>.events`, the Kafka client, authentication and health.
 */
@Global()
@Module({})
export class ServicePlatformModule {
  static forRoot(options: ServicePlatformOptions): DynamicModule {
    const { settings } = options;
    const prefix = settings.KAFKA_TOPIC_PREFIX;
    const resolved: ResolvedTopics = {
      events: topicName(prefix, options.topics.events),
      name: (base) => topicName(prefix, base),
    };
    const topicSpecs: TopicSpec[] = [options.topics.events, ...(options.topics.others ?? [])].map((base) => ({
      name: topicName(prefix, base),
      partitions: options.partitions ?? 6,
      // Domain-event topics keep data forever so a new consumer can start from the beginning.
      retentionMs: -1,
    }));
    const providers: Provider[] = [
      { provide: SERVICE_NAME, useValue: options.serviceName },
      { provide: SERVICE_SETTINGS, useValue: settings },
      { provide: TOPICS, useValue: resolved },
      { provide: 'PLATFORM_TOPIC_SPECS', useValue: topicSpecs },
      { provide: 'PLATFORM_OPTIONS', useValue: options },
      {
        provide: KAFKA_CLIENT,
        useFactory: () => new KafkaClient({ brokers: settings.KAFKA_BROKERS.split(','), clientId: options.serviceName, topicPrefix: prefix }),
      },
      {
        provide: MESSAGE_PRODUCER,
        inject: [KAFKA_CLIENT],
        useFactory: (kafka: KafkaClient) => kafka.producer(),
      },
      {
        provide: EVENT_STORE,
        inject: [DataSource],
        useFactory: (dataSource: DataSource) => new PostgresEventStore(dataSource, { sourceService: options.serviceName, upcasters: options.upcasters }),
      },
      PlatformLifecycle,
      { provide: APP_FILTER, useClass: DomainErrorFilter },
    ];
    return {
      module: ServicePlatformModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: options.databaseUrl,
          migrations: [...PLATFORM_MIGRATIONS, ...options.migrations],
          migrationsRun: true,
          migrationsTransactionMode: 'each',
          synchronize: false,
          poolSize: settings.DATABASE_POOL_SIZE,
          applicationName: options.serviceName,
          logging: ['error'],
        }),
        AuthModule.forRoot(jwtVerifierOptionsFrom(settings)),
      ],
      controllers: [HealthController],
      providers,
      exports: [SERVICE_NAME, SERVICE_SETTINGS, TOPICS, KAFKA_CLIENT, MESSAGE_PRODUCER, EVENT_STORE],
    };
  }
}
