import { DynamicModule, Global, Logger, Module, Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule, jwtVerifierOptionsFrom } from '@smi/auth';
import { CONSUMER_MIGRATIONS } from '@smi/consumer';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@smi/event-store';
import { KafkaClient, TopicSpec, topicName } from '@smi/kafka';
import { OUTBOX_RELAY_MIGRATIONS } from '@smi/outbox-relay';
import { PROJECTION_MIGRATIONS } from '@smi/projections';
import { DataSource } from 'typeorm';
import { ConsumerPlatform } from './consumer-host';
import { ConsumerOperationsController } from './consumer-operations.controller';
import { DomainErrorFilter } from './domain-error.filter';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { OperationsController } from './operations.controller';
import { PlatformLifecycle } from './platform-lifecycle';
import { PlatformMetrics } from './platform-metrics';
import { ResolvedTopics, ServicePlatformOptions } from './platform-options';
import { EVENT_STORE, KAFKA_CLIENT, MESSAGE_PRODUCER, PLATFORM_OPTIONS, PLATFORM_TOPIC_SPECS, SERVICE_NAME, SERVICE_SETTINGS, TOPICS } from './tokens';

/** Every shared mechanism's tables, created before the service's own. */
export const PLATFORM_MIGRATIONS = [...EVENT_STORE_MIGRATIONS, ...OUTBOX_RELAY_MIGRATIONS, ...CONSUMER_MIGRATIONS, ...PROJECTION_MIGRATIONS];

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
      { provide: PLATFORM_TOPIC_SPECS, useValue: topicSpecs },
      { provide: PLATFORM_OPTIONS, useValue: options },
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
        useFactory: (dataSource: DataSource) => {
          const logger = new Logger('EventStore');
          return new PostgresEventStore(dataSource, {
            sourceService: options.serviceName,
            upcasters: options.upcasters,
            // Readers still poll, so this is slower wake-ups, not lost events: a warning, not an error.
            onNotifyError: (error) => logger.warn({ msg: 'append notification not sent; readers fall back to polling', error: error.message }),
          });
        },
      },
      PlatformLifecycle,
      ConsumerPlatform,
      PlatformMetrics,
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
      controllers: [HealthController, OperationsController, ConsumerOperationsController, MetricsController],
      providers,
      exports: [SERVICE_NAME, SERVICE_SETTINGS, TOPICS, KAFKA_CLIENT, MESSAGE_PRODUCER, EVENT_STORE, PlatformLifecycle, ConsumerPlatform],
    };
  }
}
