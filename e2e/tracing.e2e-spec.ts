import { createTestDatabase, testKafkaBrokers, uniqueName, type TestDatabase } from '@smi/testing';
import { SpanKind } from '@smi/telemetry';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

// The http and pg instrumentations cannot patch inside Jest (its sandboxed `require` bypasses the hook they
// install), so the whole scenario runs in a plain Node process loaded the way a service is: telemetry first,
// with an in-memory exporter, then the real platform wiring. This file checks the spans that process reports.

interface ReportedSpan {
  name: string;
  kind: SpanKind;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  parentIsRemote?: boolean;
  attributes: Record<string, unknown>;
}

interface TraceReport {
  status: number;
  probe: { eventId: string; streamId: string };
  storedTraceparent: string | null;
  spans: ReportedSpan[];
}

const repoRoot = path.resolve(__dirname, '..');
const script = path.join(repoRoot, 'libs/service-runtime/src/tracing/test-support/traced-platform-process.ts');
const REPORT_MARKER = 'TRACE_REPORT ';

let database: TestDatabase;
let report: TraceReport;

beforeAll(async () => {
  database = await createTestDatabase('tracing');
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', script], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.json'),
      TRACE_DATABASE_URL: database.url,
      TRACE_KAFKA_BROKERS: testKafkaBrokers().join(','),
      TRACE_TOPIC_PREFIX: uniqueName('tracing'),
    },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 110_000,
  });
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(REPORT_MARKER));
  if (!line) throw new Error(`the traced process printed no report:\n${stdout}`);
  report = JSON.parse(line.slice(REPORT_MARKER.length)) as TraceReport;
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

function only(what: string, predicate: (span: ReportedSpan) => boolean): ReportedSpan {
  const found = report.spans.filter(predicate);
  if (found.length !== 1) {
    const seen = report.spans.map((s) => `${SpanKind[s.kind]} ${s.scope} ${s.name}`).join('\n  ');
    throw new Error(`expected exactly one ${what}, found ${found.length} among:\n  ${seen}`);
  }
  return found[0];
}

describe('one trace from an HTTP request through Kafka to a consumer database write', () => {
  let server: ReportedSpan;
  let append: ReportedSpan;
  let producer: ReportedSpan;
  let consumer: ReportedSpan;
  let insert: ReportedSpan;

  beforeAll(() => {
    server = only('HTTP SERVER span for POST /probes', (s) => s.kind === SpanKind.SERVER && s.attributes['url.path'] === '/probes');
    append = only('event-store append span', (s) => s.scope === '@smi/event-store' && s.name === 'event-store append');
    producer = only('PRODUCER span for the event', (s) => s.kind === SpanKind.PRODUCER && s.attributes['messaging.message.id'] === report.probe.eventId);
    consumer = only('CONSUMER span', (s) => s.kind === SpanKind.CONSUMER && s.scope === '@smi/consumer');
    insert = only('pg span of the consumer INSERT', (s) => s.scope === '@opentelemetry/instrumentation-pg' && String(s.attributes['db.query.text']).startsWith('INSERT INTO probe_writes'));
  });

  it('answered the request', () => {
    expect(report.status).toBe(201);
  });

  it('puts the server, append, publish, process and INSERT spans in one trace', () => {
    const traceIds = new Set([server, append, producer, consumer, insert].map((s) => s.traceId));
    expect(traceIds).toEqual(new Set([server.traceId]));
  });

  it('starts the trace at the HTTP SERVER span', () => {
    expect(server.parentSpanId).toBeUndefined();
  });

  it('appends under the SERVER span and stores the append span as the event trace context', () => {
    expect(append.parentSpanId).toBe(server.spanId);
    expect(report.storedTraceparent).toBe(`00-${append.traceId}-${append.spanId}-01`);
  });

  it('publishes in a PRODUCER span whose parent is the context stored with the event', () => {
    expect(producer.parentSpanId).toBe(append.spanId);
    // Rebuilt from the event's metadata by the relay loop, not inherited from the request.
    expect(producer.parentIsRemote).toBe(true);
    expect(producer.attributes['messaging.destination.name']).toMatch(/\.tracing-probe\.events$/);
  });

  it('processes in a CONSUMER span whose parent is the PRODUCER span carried in the Kafka headers', () => {
    expect(consumer.parentSpanId).toBe(producer.spanId);
    expect(consumer.parentIsRemote).toBe(true);
  });

  it('writes the consumer row in a pg span under the CONSUMER span', () => {
    expect(insert.parentSpanId).toBe(consumer.spanId);
    expect(insert.kind).toBe(SpanKind.CLIENT);
  });
});
