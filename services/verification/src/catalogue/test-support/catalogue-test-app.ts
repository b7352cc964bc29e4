import { loadConfig } from '@smi/config';
import { ServicePlatformModule } from '@smi/service-runtime';
import { NestTestApp, startNestTestApp, testKafkaBrokers } from '@smi/testing';
import { VERIFICATION_MIGRATIONS } from '../../migrations';
import { PartiesModule } from '../../parties/parties.module';
import { verificationDatabaseUrl, VerificationSettings } from '../../settings';
import { CatalogueModule } from '../catalogue.module';

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
    imports: (settings) => [
      ServicePlatformModule.forRoot({
        serviceName: 'verification',
        settings,
        databaseUrl: verificationDatabaseUrl(settings),
        migrations: VERIFICATION_MIGRATIONS,
        topics: { events: 'verification.events', others: ['intake.events'] },
      }),
      PartiesModule,
      CatalogueModule,
    ],
  });
}
