import { loadConfig } from '@smi/config';
import { NestTestApp, startNestTestApp, testKafkaBrokers } from '@smi/testing';
import { AppModule, AppOptions } from '../app.module';
import { VerificationSettings } from '../settings';

export type VerificationTestApp = NestTestApp<VerificationSettings>;

export interface VerificationTestOptions extends AppOptions {
  /** Settings besides the database, broker and log level, as environment variables (e.g. the chase interval). */
  env?: Record<string, string>;
}

/**
 * The verification service on its real platform (PostgreSQL, Kafka), in this process so a test can reach its
 * providers (CatalogueLookup, CaseWriter) directly and inject a clock. Each call gets its own database and topic prefix.
 */
export function startVerificationTestApp(label: string, options: VerificationTestOptions = {}): Promise<VerificationTestApp> {
  const { env, ...appOptions } = options;
  return startNestTestApp({
    label,
    settings: (database, topicPrefix) =>
      loadConfig(VerificationSettings, {
        ...env,
        VERIFICATION_DATABASE_URL: database.url,
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: topicPrefix,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        NODE_ENV: 'test',
      }),
    // The service's own root module: each use case as the service runs it, with its neighbours.
    imports: (settings) => [AppModule.register(settings, appOptions)],
  });
}
