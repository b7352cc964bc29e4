import { loadConfig } from '@smi/config';
import { NestTestApp, startNestTestApp, testKafkaBrokers } from '@smi/testing';
import { AppModule } from '../../app.module';
import { VerificationSettings } from '../../settings';

export type CatalogueTestApp = NestTestApp<VerificationSettings>;

/**
 * The catalogue on the real verification platform, in this process so a test can reach CatalogueLookup
 * directly. Each call gets its own database and topic prefix.
 */
export function startCatalogueTestApp(label: string): Promise<CatalogueTestApp> {
  return startNestTestApp({
    label,
    settings: (database, topicPrefix) =>
      loadConfig(VerificationSettings, {
        VERIFICATION_DATABASE_URL: database.url,
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: topicPrefix,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        NODE_ENV: 'test',
      }),
    // The service's own root module: the catalogue as the service runs it, with its neighbours.
    imports: (settings) => [AppModule.register(settings)],
  });
}
