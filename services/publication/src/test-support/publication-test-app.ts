import { PARTY_TYPES, PartyType } from '@smi/auth';
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
 * verification.events, inventory.events and intake.events), in this process. Each call gets its own database and topic prefix.
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

export interface PublicationTokens {
  /** One caller of each party type, without roles: DCC as party `DCC`, every other as `<TYPE>-1` unless named. */
  byPartyType: Record<PartyType, string>;
  /** DCC with `registry.admin`: cuts releases, keeps the list of network parties. */
  registrar: string;
  /** DCC with `operator`: rebuilds read models. */
  operator: string;
}

/** The callers publication's tests ask as; `parties` names the party of a type when a test needs a particular one. */
export async function publicationTokens(publication: PublicationTestApp, parties: Partial<Record<PartyType, string>> = {}): Promise<PublicationTokens> {
  const byPartyType = {} as Record<PartyType, string>;
  for (const partyType of PARTY_TYPES) {
    byPartyType[partyType] = await publication.token({ party: parties[partyType] ?? (partyType === 'dcc' ? 'DCC' : `${partyType.toUpperCase()}-1`), partyType });
  }
  return {
    byPartyType,
    registrar: await publication.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] }),
    operator: await publication.token({ party: 'DCC', partyType: 'dcc', roles: ['operator'] }),
  };
}
