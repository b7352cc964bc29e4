import { loadConfig } from '@smi/config';
import { NestTestApp, startNestTestApp, testKafkaBrokers } from '@smi/testing';
import { AppModule } from '../app.module';
import { PublicationSettings } from '../settings';

export type PublicationTestApp = NestTestApp<PublicationSettings>;

/**
 * The publication service on its real platform (PostgreSQL, Kafka, its projections and its consumer of
 * verification.events), in this process. Each call gets its own database and topic prefix.
 */
export function startPublicationTestApp(label: string): Promise<PublicationTestApp> {
  return startNestTestApp({
    label,
    settings: (database, topicPrefix) =>
      loadConfig(PublicationSettings, {
        PUBLICATION_DATABASE_URL: database.url,
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: topicPrefix,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        NODE_ENV: 'test',
      }),
    imports: (settings) => [AppModule.register(settings)],
  });
}
