import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommonSettings, loadConfig } from '@smi/config';
import { NO_STREAM, PostgresEventStore } from '@smi/event-store';
import { EVENT_STORE, ensureDatabase, PlatformLifecycle, requestIdFrom, ServicePlatformModule, strictValidationPipe } from '@smi/service-runtime';
import { jsonCall, mintTestToken, TestTokenClaims, testKafkaBrokers } from '@smi/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WebhookCatalogue } from '../catalogue';
import { WEBHOOK_MIGRATIONS } from '../migrations';
import { WebhookDispatcher } from '../webhook-dispatcher';
import { isWebhookEvent } from '../webhook-subscriptions';
import { WebhooksModule } from '../webhooks.module';

/**
 * A service with one webhook, `thing.happened`, from its stored `ThingHappened` events: for SECAS and
 * manufacturers, and only to the manufacturer an event names when it names one.
 */
export const TEST_CATALOGUE: WebhookCatalogue = {
  service: 'webhook-test',
  events: [
    {
      name: 'thing.happened',
      description: 'a thing happened',
      partyTypes: ['secas', 'manufacturer'],
      eventTypes: ['ThingHappened'],
      message: (event) => {
        const data = event.data as { n: number; forParty?: string; secret?: string };
        // `secret` stays out: only what subscribers may see goes into the delivery.
        return { data: { n: data.n }, subject: `thing-${data.n}`, onlyParty: data.forParty };
      },
    },
  ],
};

export const TEST_WEBHOOK_ENV = {
  WEBHOOK_MAX_ATTEMPTS: '3',
  WEBHOOK_ATTEMPT_TIMEOUT_MS: '400',
  WEBHOOK_BACKOFF_BASE_MS: '20',
  WEBHOOK_BACKOFF_MAX_MS: '100',
  WEBHOOK_DISPATCH_INTERVAL_MS: '50',
  WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true',
  WEBHOOK_MAX_SUBSCRIPTIONS_PER_PARTY: '3',
};

export interface WebhookTestService {
  url: string;
  dataSource: DataSource;
  dispatcher: WebhookDispatcher;
  lifecycle: PlatformLifecycle;
  token(claims: TestTokenClaims): Promise<string>;
  // Tests read the answers field by field, as the JSON they are.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Records a ThingHappened, as a service's own use case would. */
  thingHappened(n: number, forParty?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The platform and WebhooksModule on the given database, in this process; start it again on the same database to restart. */
export async function startWebhookTestService(databaseUrl: string, topicPrefix: string): Promise<WebhookTestService> {
  const settings = loadConfig(CommonSettings, {
    ...TEST_WEBHOOK_ENV,
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  });
  await ensureDatabase(databaseUrl);
  const app = await NestFactory.create<NestFastifyApplication>(
    {
      module: class WebhookTestApp {},
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'webhook-test',
          settings,
          databaseUrl,
          migrations: WEBHOOK_MIGRATIONS,
          topics: { events: 'webhook-test.events' },
          publishedEvents: (event) => !isWebhookEvent(event),
        }),
        WebhooksModule.register(TEST_CATALOGUE),
      ],
    },
    new FastifyAdapter({ genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(request.headers['x-request-id']) }),
    { logger: ['error'] },
  );
  app.useGlobalPipes(strictValidationPipe());
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const store = app.get<PostgresEventStore>(EVENT_STORE);
  return {
    url,
    dataSource: app.get(DataSource),
    dispatcher: app.get(WebhookDispatcher),
    lifecycle: app.get(PlatformLifecycle),
    token: (claims) => mintTestToken(settings, claims),
    call: (method, path, token, body) => jsonCall(method, `${url}${path}`, token, body),
    thingHappened: async (n, forParty) => {
      const [recorded] = (
        await store.append(`thing-${randomUUID()}`, [{ type: 'ThingHappened', data: { n, forParty, secret: 'for DCC only' } }], NO_STREAM, { correlationId: randomUUID() })
      ).events;
      return recorded.eventId;
    },
    stop: () => app.close(),
  };
}
