import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  carrierFromKafkaHeaders,
  contextFromCarrier,
  currentTraceContext,
  initTelemetry,
  SpanKind,
  SpanStatusCode,
  withSpan,
  type TelemetryHandle,
} from '@smi/telemetry';
import { trace } from '@opentelemetry/api';

const exporter = new InMemorySpanExporter();
let telemetry: TelemetryHandle;

beforeAll(() => {
  telemetry = initTelemetry({ serviceName: 'telemetry-spec', spanProcessors: [new SimpleSpanProcessor(exporter)] });
});
afterEach(() => exporter.reset());
afterAll(() => telemetry.shutdown());

const finished = (name: string): ReadableSpan => {
  const span = exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  if (!span) throw new Error(`no finished span named ${name}`);
  return span;
};

describe('initTelemetry', () => {
  it('returns the same handle when called again', () => {
    expect(initTelemetry({ serviceName: 'another-name' })).toBe(telemetry);
  });

  it('tags spans with the service name', async () => {
    await withSpan('tagged', {}, async () => undefined);
    expect(finished('tagged').resource.attributes['service.name']).toBe('telemetry-spec');
  });
});

describe('withSpan', () => {
  it('nests spans in one trace with the right parents', async () => {
    await withSpan('outer', { kind: SpanKind.SERVER }, async () => {
      await withSpan('middle', {}, async () => {
        await withSpan('inner', { attributes: { 'smi.step': 3 } }, async () => undefined);
      });
    });

    const outer = finished('outer');
    const middle = finished('middle');
    const inner = finished('inner');
    expect(new Set([outer, middle, inner].map((span) => span.spanContext().traceId)).size).toBe(1);
    expect(outer.parentSpanContext).toBeUndefined();
    expect(middle.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(inner.parentSpanContext?.spanId).toBe(middle.spanContext().spanId);
    expect(outer.kind).toBe(SpanKind.SERVER);
    expect(inner.kind).toBe(SpanKind.INTERNAL);
    expect(inner.attributes['smi.step']).toBe(3);
  });

  it('returns what the function resolves to', async () => {
    await expect(withSpan('value', {}, async () => 42)).resolves.toBe(42);
  });

  it('marks the span ERROR, records the exception and rethrows the same error', async () => {
    const failure = new Error('append rejected');

    await expect(
      withSpan('failing', {}, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);

    const span = finished('failing');
    expect(span.ended).toBe(true);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'append rejected' });
    expect(span.events).toEqual([
      expect.objectContaining({
        name: 'exception',
        attributes: expect.objectContaining({ 'exception.message': 'append rejected', 'exception.type': 'Error' }),
      }),
    ]);
  });

  it('leaves no span active once it has finished', async () => {
    await withSpan('done', {}, async () => undefined);
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(currentTraceContext()).toEqual({});
  });
});

describe('carrying trace context across asynchronous hops', () => {
  it('makes a span started later from a stored carrier a child of the span that captured it', async () => {
    // As the event store does at append: capture the context into the event's metadata.
    const metadata = await withSpan('append', {}, async () => ({ ...currentTraceContext() }));
    expect(metadata.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    // As the outbox relay does later, from a callback with no relation to the request that appended.
    const relayed = await new Promise<{ headers: ReturnType<typeof currentTraceContext> }>((resolve, reject) => {
      setImmediate(() => {
        expect(trace.getActiveSpan()).toBeUndefined();
        withSpan('publish', { kind: SpanKind.PRODUCER, parent: metadata }, async () => ({
          headers: currentTraceContext(),
        })).then(resolve, reject);
      });
    });

    // As a consumer does from the Kafka headers it received.
    const kafkaHeaders = { traceparent: Buffer.from(relayed.headers.traceparent ?? '') };
    await withSpan('consume', { kind: SpanKind.CONSUMER, parent: carrierFromKafkaHeaders(kafkaHeaders) }, async () => {
      await withSpan('write projection', {}, async () => undefined);
    });

    const append = finished('append');
    const publish = finished('publish');
    const consume = finished('consume');
    const write = finished('write projection');
    const traceId = append.spanContext().traceId;
    expect([publish, consume, write].map((span) => span.spanContext().traceId)).toEqual([traceId, traceId, traceId]);
    expect(publish.parentSpanContext?.spanId).toBe(append.spanContext().spanId);
    expect(publish.parentSpanContext?.isRemote).toBe(true);
    expect(consume.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(write.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(consume.kind).toBe(SpanKind.CONSUMER);
  });

  it('keeps tracestate through the carrier', async () => {
    const parent = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=abc' };
    const carried = await withSpan('with state', { parent }, async () => currentTraceContext());
    expect(carried.tracestate).toBe('vendor=abc');
    expect(carried.traceparent).toContain('0af7651916cd43dd8448eb211c80319c');
  });

  it('starts a new trace from an empty carrier when no span is active', async () => {
    await withSpan('orphan', { parent: {} }, async () => undefined);
    expect(finished('orphan').parentSpanContext).toBeUndefined();
  });

  it('ignores a malformed traceparent', () => {
    expect(trace.getSpanContext(contextFromCarrier({ traceparent: 'not-a-traceparent' }))).toBeUndefined();
  });

  it('reads the W3C fields from kafkajs headers', () => {
    expect(
      carrierFromKafkaHeaders({ traceparent: Buffer.from('tp'), tracestate: ['a=1', 'b=2'], other: 'x' }),
    ).toEqual({ traceparent: 'tp', tracestate: 'a=1' });
    expect(carrierFromKafkaHeaders(undefined)).toEqual({});
  });
});
