import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintLocalToken, PartyType } from '@smi/auth';
import { loadConfig } from '@smi/config';
import { ensureDatabase, requestIdFrom, ServicePlatformModule, strictValidationPipe } from '@smi/service-runtime';
import { createTestDatabase, TestDatabase, testKafkaBrokers, uniqueName } from '@smi/testing';
import { VERIFICATION_MIGRATIONS } from '../../migrations';
import { PartiesModule } from '../../parties/parties.module';
import { verificationDatabaseUrl, VerificationSettings } from '../../settings';
import { CatalogueModule } from '../catalogue.module';

export interface CatalogueTestApp {
  app: INestApplication;
  url: string;
  database: TestDatabase;
  token(claims: { party: string; partyType: PartyType; roles?: string[] }): Promise<string>;
  call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

@Module({})
class CatalogueUnderTest {}

/**
 * The catalogue on the real verification platform (Fastify, PostgreSQL, event store, outbox relay, Kafka), in
 * this process so a test can reach CatalogueLookup directly. Each call gets its own database and topic prefix.
 */
export async function startCatalogueTestApp(label: string): Promise<CatalogueTestApp> {
  const database = await createTestDatabase(label);
  const settings = loadConfig(VerificationSettings, {
    VERIFICATION_DATABASE_URL: database.url,
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: uniqueName(label),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    NODE_ENV: 'test',
  });
  let app: NestFastifyApplication | undefined;
  try {
    await ensureDatabase(database.url);
    // bootstrapService minus Swagger UI, whose static assets cannot load under Jest (ESM-only dependency);
    // the compiled service with its full bootstrap is exercised by e2e/verification-catalogue.e2e-spec.ts.
    app = await NestFactory.create<NestFastifyApplication>(
      {
        module: CatalogueUnderTest,
        imports: [
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
      },
      new FastifyAdapter({ genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(request.headers['x-request-id']) }),
      { logger: ['error', 'warn'] },
    );
    app.useGlobalPipes(strictValidationPipe());
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app?.close();
    await database.drop();
    throw error;
  }
  const started = app;
  const url = (await started.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app: started,
    url,
    database,
    token: (claims) =>
      mintLocalToken({
        secret: settings.AUTH_LOCAL_SECRET,
        issuer: settings.AUTH_ISSUER,
        audience: settings.AUTH_AUDIENCE,
        sub: `${claims.party}-user`,
        party: claims.party,
        partyType: claims.partyType,
        roles: claims.roles ?? [],
        expiresIn: '1h',
      }),
    call: async (method, path, token, body) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    stop: async () => {
      await started.close();
      await database.drop();
    },
  };
}
