import { loadConfig } from '@smi/config';
import { NestTestApp, startNestTestApp, testKafkaBrokers } from '@smi/testing';
import { AppModule, AppOptions } from '../app.module';
import { PublicationSettings } from '../settings';

export type PublicationTestApp = NestTestApp<PublicationSettings>;

export interface PublicationTestOptions extends AppOptions {
  /** Settings besides the database, broker and log level, as environment variables (e.g. the export page size). */
  env?: Record<string, string>;
}

/**
 * The publication service on its real platform (PostgreSQL, Kafka, its projections and its consumers of
 * verification.events and intake.events), in this process. Each call gets its own database and topic prefix.
 */
export function startPublicationTestApp(label: string, options: PublicationTestOptions = {}): Promise<PublicationTestApp> {
  const { env, ...appOptions } = options;
  return startNestTestApp({
    label,
    settings: (database, topicPrefix) =>
      loadConfig(PublicationSettings, {
        ...env,
        PUBLICATION_DATABASE_URL: database.url,
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: topicPrefix,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        NODE_ENV: 'test',
      }),
    imports: (settings) => [AppModule.register(settings, appOptions)],
  });
}
