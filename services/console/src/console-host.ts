import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, NestPinoLogger } from '@smi/telemetry';
import { AppModule } from './app.module';
import { forwardingPlugin } from './forwarding/forwarding.plugin';
import { ConsoleSettings } from './settings';
import { APP_DIRECTORY, staticAppPlugin } from './static-app';

/**
 * The operator console's host (ADR 0010): the built app at `/`, `/api/<service>/…` forwarded to the four
 * services, `/health` of its own. No database, no Kafka, no session: the browser holds the token.
 */
export async function createConsoleHost(settings: ConsoleSettings, appDirectory = APP_DIRECTORY): Promise<NestFastifyApplication> {
  const logger = createLogger('console', settings.LOG_LEVEL);
  const adapter = new FastifyAdapter({ bodyLimit: 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(appDirectory), adapter, {
    logger: new NestPinoLogger(logger),
    bufferLogs: true,
    // The forwarded bodies stream through untouched (forwarding.plugin.ts); the host itself reads none.
    bodyParser: false,
  });
  app.enableShutdownHooks();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(forwardingPlugin, {
    upstreams: {
      intake: settings.CONSOLE_INTAKE_URL,
      verification: settings.CONSOLE_VERIFICATION_URL,
      publication: settings.CONSOLE_PUBLICATION_URL,
      inventory: settings.CONSOLE_INVENTORY_URL,
    },
    timeoutMs: settings.CONSOLE_UPSTREAM_TIMEOUT_MS,
  });
  await fastify.register(staticAppPlugin, { directory: appDirectory });
  return app;
}
