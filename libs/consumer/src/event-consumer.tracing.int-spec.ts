import { context, propagation, ROOT_CONTEXT, SpanKind, trace, type SpanContext } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { KafkaClient } from '@smi/kafka';
import { createTestDatabase, testKafkaBrokers, uniqueName, waitFor, type TestDatabase } from '@smi/testing';
import { DataSource } from 'typeorm';
import { CONSUMER_MIGRATIONS, EventConsumer } from './index';

jest.setTimeout(60_000);

// A real SDK with the W3C propagator and async context, as a service's telemetry setup would register.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const upstream = trace.getTracer('upstream-http');

const kafka = new KafkaClient({ brokers: testKafkaBrokers(), clientId: 'event-consumer-tracing-int-spec' });
let database: TestDatabase;
let dataSource: DataSource;
let consumer: EventConsumer | undefined;

beforeAll(async () => {
  database = await createTestDatabase('consumer_tracing');
  dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: CONSUMER_MIGRATIONS });
  await dataSource.initialize();
  await dataSource.runMigrations();
});

afterEach(() => consumer?.stop());

afterAll(async () => {
  await kafka.disconnect();
  await dataSource?.destroy();
  await database?.drop();
  await provider.shutdown();
});

/** Headers carrying the context of a fresh upstream span, as the outbox relay copies them from an HTTP request. */
function headersFromNewTrace(id: string): { headers: Record<string, string>; upstream: SpanContext } {
  const span = upstream.startSpan(`POST ${id}`, { kind: SpanKind.SERVER });
  span.end();
  const headers: Record<string, string> = { ce_id: id };
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers);
  return { headers, upstream: span.spanContext() };
}

async function consume(topic: string): Promise<{ activeInHandler: (SpanContext | undefined)[] }> {
  const activeInHandler: (SpanContext | undefined)[] = [];
  consumer = new EventConsumer({
    name: uniqueName('traced'),
    groupId: uniqueName('traced'),
    topics: [topic],
    kafka,
    dataSource,
    handleBatch: async () => {
      activeInHandler.push(trace.getSpan(context.active())?.spanContext());
    },
  });
  await consumer.start();
  return { activeInHandler };
}

describe('EventConsumer tracing', () => {
  it('processes a message in a CONSUMER span that is the child of the producing trace', async () => {
    const topic = uniqueName('consumer_traced');
    await kafka.ensureTopics([{ name: topic, partitions: 1 }]);
    const origin = headersFromNewTrace('traced-1');
    const producer = await kafka.producer();
    await producer.send(topic, [{ key: 'k', value: '{}', headers: origin.headers }]);
    await producer.disconnect();

    const { activeInHandler } = await consume(topic);
    await waitFor(() => consumer!.stats().processed === 1, 30_000, 'the traced message');

    const spans = exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === '@smi/consumer');
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe(origin.upstream.traceId);
    expect(span.parentSpanContext?.spanId).toBe(origin.upstream.spanId);
    expect(span.attributes['messaging.destination.name']).toBe(topic);
    // The handler's database writes are made inside this span, so they join the same trace.
    expect(activeInHandler).toEqual([span.spanContext()]);
  });

  it('parents a batch on its first message and links the others', async () => {
    exporter.reset();
    const topic = uniqueName('consumer_traced_batch');
    await kafka.ensureTopics([{ name: topic, partitions: 1 }]);
    const first = headersFromNewTrace('batch-1');
    const second = headersFromNewTrace('batch-2');
    const producer = await kafka.producer();
    // One send before the consumer starts: one record batch, so one fetch and one handler call.
    await producer.send(topic, [
      { key: 'k', value: '{}', headers: first.headers },
      { key: 'k', value: '{}', headers: second.headers },
    ]);
    await producer.disconnect();

    await consume(topic);
    await waitFor(() => consumer!.stats().processed === 2, 30_000, 'both traced messages');

    const [span, ...others] = exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === '@smi/consumer');
    expect(others).toHaveLength(0);
    expect(span.parentSpanContext?.spanId).toBe(first.upstream.spanId);
    expect(span.links.map((l) => l.context.spanId)).toEqual([second.upstream.spanId]);
  });
});
