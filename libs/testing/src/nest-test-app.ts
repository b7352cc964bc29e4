import { INestApplication, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ensureDatabase, requestIdFrom, strictValidationPipe } from '@smi/service-runtime';
import { jsonCall } from './json-call';
import { createTestDatabase, TestDatabase } from './test-database';
import { uniqueName } from './test-kafka';
import { mintTestToken, TestTokenClaims, TokenSettings } from './test-token';


export interface NestTestApp<S> {
  app: INestApplication;
  url: string;
  database: TestDatabase;
  topicPrefix: string;
  settings: S;
  token(claims: TestTokenClaims): Promise<string>;
  call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: unknown; headers: Headers }>;
  stop(): Promise<void>;
}

@Module({})
class UseCasesUnderTest {}

/**
 * Some of a service's use cases on the real platform (Fastify, PostgreSQL, event store, outbox relay, Kafka),
 * in the test's own process, so that a test can inject a clock or reach a provider directly. Each call gets its
 * own database and topic prefix. It is bootstrapService minus Swagger UI, whose static assets cannot load under
 * Jest; the compiled services with their whole bootstrap are what the e2e tests run.
 */
export async function startNestTestApp<S extends TokenSettings>(options: {
  label: string;
  /** The service's settings for this database and topic prefix. */
  settings: (database: TestDatabase, topicPrefix: string) => S;
  /** The platform module and the use-case modules under test. */
  imports: (settings: S, database: TestDatabase) => Array<Type<unknown> | DynamicModule>;
}): Promise<NestTestApp<S>> {
  const database = await createTestDatabase(options.label);
  const topicPrefix = uniqueName(options.label);
  const settings = options.settings(database, topicPrefix);
  let app: NestFastifyApplication | undefined;
  try {
    await ensureDatabase(database.url);
    app = await NestFactory.create<NestFastifyApplication>(
      { module: UseCasesUnderTest, imports: options.imports(settings, database) },
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
    settings,
    token: (claims) => mintTestToken(settings, claims),
    call: (method, path, token, body) => jsonCall(method, `${url}${path}`, token, body),
    stop: async () => {
      await started.close();
      await database.drop();
    },
  };
}
