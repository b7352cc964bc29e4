import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { CommonSettings } from '@smi/config';
import { createLogger, NestPinoLogger } from '@smi/telemetry';
import { ensureDatabase } from './database';
import { installHttpMetrics } from './http-metrics';
import { requestIdFrom } from './request-context';
import { badUrlHandler, clientErrorHandler, installBodyParsing, installQueryStringCheck, installResponseHeaders, RequestTextInterceptor } from './request-hygiene';
import type { FastifyInstance } from 'fastify';
import { strictValidationPipe } from './validation';

export interface BootstrapOptions {
  serviceName: string;
  description: string;
  version?: string;
  settings: CommonSettings;
  /** The service's own database; created when missing. */
  databaseUrl: string;
  /** The root module, already configured with the settings. */
  rootModule: Type<unknown> | ReturnType<typeof Object>;
  host: string;
  port: number;
  /** Largest request body in bytes (file uploads set their own, larger limit). */
  bodyLimit?: number;
  /** Extra setup on the Fastify instance before listening (e.g. multipart, raw CSV bodies). */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
}

/**
 * Starts a service the same way everywhere: its database exists, migrations have run (TypeORM
 * `migrationsRun`), request bodies and text are checked at the edge (request-hygiene.ts), JSON logs carry trace ids, request ids flow into correlation ids, OpenAPI is at
 * /docs, and SIGINT/SIGTERM close Kafka and the database cleanly.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<INestApplication> {
  const logger = createLogger(options.serviceName, options.settings.LOG_LEVEL);
  await ensureDatabase(options.databaseUrl);
  // The router answers bad URLs before the instance is at hand here; the handler asks it when it is.
  const holder: { server?: FastifyInstance } = {};
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(request.headers['x-request-id']),
    requestIdHeader: false,
    frameworkErrors: badUrlHandler(() => holder.server),
    clientErrorHandler,
  });
  holder.server = adapter.getInstance();
  const app = await NestFactory.create<NestFastifyApplication>(options.rootModule as Type<unknown>, adapter, {
    logger: new NestPinoLogger(logger),
    bufferLogs: true,
    // Bodies are parsed by installBodyParsing below, not by Nest's own JSON and urlencoded parsers.
    bodyParser: false,
  });
  app.enableShutdownHooks();
  app.useGlobalInterceptors(new RequestTextInterceptor());
  app.useGlobalPipes(strictValidationPipe());
  const fastify = app.getHttpAdapter().getInstance();
  installBodyParsing(fastify);
  installQueryStringCheck(fastify);
  installResponseHeaders(fastify);
  installHttpMetrics(fastify);
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (options.configure) await options.configure(app);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`${options.serviceName} service`)
      .setDescription(options.description)
      .setVersion(options.version ?? '1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  await app.listen(options.port, options.host);
  logger.info({ port: options.port, host: options.host, node: process.version }, `${options.serviceName} listening`);
  return app;
}
