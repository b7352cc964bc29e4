// One service process on the real platform wiring (bootstrapService + ServicePlatformModule: Fastify, TypeORM,
// event store, outbox relay, Kafka), plus a consumer of the service's own events topic that writes a row.
// Spawned by e2e/tracing.e2e-spec.ts in a plain Node process because the http and pg instrumentations cannot
// patch inside Jest. It makes one HTTP request to itself, waits for the consumer's row, and prints every
// finished span on one stdout line starting with REPORT_MARKER.
//
// Env: TRACE_DATABASE_URL (a fresh database), TRACE_KAFKA_BROKERS, TRACE_TOPIC_PREFIX.
import { exporter, telemetry } from './in-memory-instrument'; // must stay the first import
import { Controller, HttpCode, Inject, Injectable, Module, Post, type DynamicModule } from '@nestjs/common';
import { Authorize, mintLocalToken } from '@smi/auth';
import { CommonSettings, loadConfig } from '@smi/config';
import { NO_STREAM, PostgresEventStore } from '@smi/event-store';
import { SpanKind } from '@smi/telemetry';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import {
  bootstrapService,
  ConsumerHost,
  ConsumerPlatform,
  CorrelationId,
  EVENT_STORE,
  ServicePlatformModule,
  type HostedConsumerOptions,
} from '../../index';

export const REPORT_MARKER = 'TRACE_REPORT ';

export interface ReportedSpan {
  name: string;
  kind: SpanKind;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  parentIsRemote?: boolean;
  attributes: Record<string, unknown>;
}

export interface TraceReport {
  status: number;
  probe: { eventId: string; streamId: string };
  /** The trace context the event store kept in the event's metadata, read back from the database. */
  storedTraceparent: string | null;
  spans: ReportedSpan[];
}

class CreateProbeWrites1739999999000 implements MigrationInterface {
  name = 'CreateProbeWrites1739999999000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE probe_writes (event_id uuid PRIMARY KEY, stream_id text NOT NULL)`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE probe_writes`);
  }
}

@Controller('probes')
class ProbesController {
  constructor(@Inject(EVENT_STORE) private readonly store: PostgresEventStore) {}

  @Post()
  @HttpCode(201)
  @Authorize({})
  async record(@CorrelationId() correlationId: string): Promise<{ eventId: string; streamId: string }> {
    const streamId = `probe-${randomUUID()}`;
    const { events } = await this.store.append(streamId, [{ type: 'ProbeRecorded', data: { streamId } }], NO_STREAM, { correlationId });
    return { eventId: events[0].eventId, streamId };
  }
}

/** Consumes the service's own events topic and writes one row per event: the database write the trace must reach. */
@Injectable()
class ProbeWritesConsumer extends ConsumerHost {
  constructor(platform: ConsumerPlatform) {
    super(platform);
  }

  protected consumerOptions(): HostedConsumerOptions {
    return {
      name: 'tracing.probe-writes',
      topics: [this.topics.events],
      handleBatch: async (messages, manager) => {
        for (const message of messages) {
          await manager.query(`INSERT INTO probe_writes (event_id, stream_id) VALUES ($1, $2)`, [message.headers.ce_id, message.key]);
        }
      },
    };
  }
}

@Module({})
class ProbeAppModule {
  static register(settings: CommonSettings, databaseUrl: string): DynamicModule {
    return {
      module: ProbeAppModule,
      imports: [
        ServicePlatformModule.forRoot({
          serviceName: 'tracing-probe',
          settings,
          databaseUrl,
          migrations: [CreateProbeWrites1739999999000],
          topics: { events: 'tracing-probe.events' },
          partitions: 1,
        }),
      ],
      controllers: [ProbesController],
      providers: [ProbeWritesConsumer],
    };
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main(): Promise<void> {
  const databaseUrl = required('TRACE_DATABASE_URL');
  const settings = loadConfig(CommonSettings, {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: required('TRACE_KAFKA_BROKERS'),
    KAFKA_TOPIC_PREFIX: required('TRACE_TOPIC_PREFIX'),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  });
  const app = await bootstrapService({
    serviceName: 'tracing-probe',
    description: 'trace probe',
    settings,
    databaseUrl,
    rootModule: ProbeAppModule.register(settings, databaseUrl),
    host: '127.0.0.1',
    port: 0,
  });
  try {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const token = await mintLocalToken({
      secret: settings.AUTH_LOCAL_SECRET,
      issuer: settings.AUTH_ISSUER,
      audience: settings.AUTH_AUDIENCE,
      sub: 'tracing-probe-user',
      party: 'DCC',
      partyType: 'dcc',
      roles: [],
      expiresIn: '5m',
    });
    // fetch (undici) is not instrumented, so the SERVER span is the root of the trace.
    const response = await fetch(`http://127.0.0.1:${port}/probes`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const probe = (await response.json()) as TraceReport['probe'];
    if (response.status !== 201) throw new Error(`POST /probes answered ${response.status}: ${JSON.stringify(probe)}`);

    // Polled outside any span, so these queries are not traced (requireParentSpan).
    const dataSource = app.get(DataSource);
    await waitUntil('the consumer to write its row', async () => {
      const rows: unknown[] = await dataSource.query(`SELECT 1 FROM probe_writes WHERE event_id = $1`, [probe.eventId]);
      return rows.length > 0 ? true : undefined;
    });
    // The row is visible once the consumer's transaction commits, a moment before its span ends.
    await waitUntil('the CONSUMER span to end', async () =>
      exporter.getFinishedSpans().some((span) => span.kind === SpanKind.CONSUMER) ? true : undefined,
    );
    const stored: Array<{ traceparent: string | null }> = await dataSource.query(
      `SELECT metadata->>'traceparent' AS traceparent FROM events WHERE event_id = $1`,
      [probe.eventId],
    );

    const spans: ReportedSpan[] = exporter.getFinishedSpans().map((span) => ({
      name: span.name,
      kind: span.kind,
      scope: span.instrumentationScope.name,
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      parentSpanId: span.parentSpanContext?.spanId,
      parentIsRemote: span.parentSpanContext?.isRemote,
      attributes: { ...span.attributes },
    }));
    const report: TraceReport = { status: response.status, probe, storedTraceparent: stored[0]?.traceparent ?? null, spans };
    await new Promise((resolve) => process.stdout.write(`\n${REPORT_MARKER}${JSON.stringify(report)}\n`, resolve));
  } finally {
    await app.close();
    await telemetry.shutdown();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
