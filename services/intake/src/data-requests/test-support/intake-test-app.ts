import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintLocalToken, PartyType } from '@smi/auth';
import { loadConfig } from '@smi/config';
import { ensureDatabase, requestIdFrom, ServicePlatformModule, strictValidationPipe } from '@smi/service-runtime';
import { createTestDatabase, TestDatabase, testKafkaBrokers, uniqueName } from '@smi/testing';
import { FixesModule } from '../../fixes/fixes.module';
import { GlossaryModule } from '../../glossary/glossary.module';
import { INTAKE_MIGRATIONS } from '../../migrations';
import { PartiesModule } from '../../parties/parties.module';
import { ReportsModule } from '../../reports/reports.module';
import { IntakeSettings } from '../../settings';
import { Clock } from '../clock';
import { DataRequestsModule } from '../data-requests.module';

/** A clock a test moves by hand, e.g. across a bank holiday to the day a request becomes overdue. */
export class AdjustableClock implements Clock {
  private current: Date;

  constructor(iso: string) {
    this.current = new Date(iso);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export interface IntakeTestApp {
  app: INestApplication;
  url: string;
  database: TestDatabase;
  topicPrefix: string;
  token(claims: { party: string; partyType: PartyType; roles?: string[] }): Promise<string>;
  call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: unknown; headers: Headers }>;
  stop(): Promise<void>;
}

@Module({})
class IntakeUseCasesUnderTest {}

/**
 * The intake use cases of this folder and their neighbours on the real platform (Fastify, PostgreSQL,
 * event store, outbox relay, Kafka), in this process so the clock can be injected. Each call gets its
 * own database and topic prefix.
 */
export async function startIntakeTestApp(options: { label: string; clock: Clock; overdueCheckIntervalMs: number }): Promise<IntakeTestApp> {
  const database = await createTestDatabase(options.label);
  const topicPrefix = uniqueName(options.label);
  const settings = loadConfig(IntakeSettings, {
    INTAKE_DATABASE_URL: database.url,
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    NODE_ENV: 'test',
  });
  let app: NestFastifyApplication | undefined;
  try {
    await ensureDatabase(database.url);
    // bootstrapService minus Swagger UI, whose static assets cannot load under Jest (ESM-only dependency);
    // the compiled service with its full bootstrap is exercised by e2e/intake-reports.e2e-spec.ts.
    app = await NestFactory.create<NestFastifyApplication>(
      {
        module: IntakeUseCasesUnderTest,
        imports: [
          ServicePlatformModule.forRoot({ serviceName: 'intake', settings, databaseUrl: database.url, migrations: INTAKE_MIGRATIONS, topics: { events: 'intake.events' } }),
          PartiesModule,
          GlossaryModule,
          ReportsModule,
          FixesModule,
          DataRequestsModule.register({ overdueCheckIntervalMs: options.overdueCheckIntervalMs, clock: options.clock }),
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
    topicPrefix,
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
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    },
    stop: async () => {
      await started.close();
      await database.drop();
    },
  };
}
