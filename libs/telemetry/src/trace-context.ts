import {
  context,
  trace,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** W3C trace context as stored in event metadata and sent in Kafka headers. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

export interface WithSpanOptions {
  kind?: SpanKind;
  /** Context captured earlier with `currentTraceContext()`; when absent the span is a child of the active span. */
  parent?: TraceCarrier;
  attributes?: Attributes;
  links?: Link[];
}

const TRACER_NAME = '@smi/telemetry';

// A private W3C propagator rather than the global one: carriers always hold exactly these two W3C fields, and
// reading or writing them must not depend on whatever propagator (if any) the process registered.
const w3c = new W3CTraceContextPropagator();

const carrierSetter: TextMapSetter<TraceCarrier> = {
  set(carrier, key, value) {
    if (key === 'traceparent' || key === 'tracestate') carrier[key] = value;
  },
};

const carrierGetter: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => (key === 'traceparent' || key === 'tracestate' ? carrier[key] : undefined),
};

/** The active span's context as W3C fields; empty when no span is active (or tracing was never started). */
export function currentTraceContext(): TraceCarrier {
  const carrier: TraceCarrier = {};
  w3c.inject(context.active(), carrier, carrierSetter);
  return carrier;
}

/**
 * The active context with its span replaced by the one described in `carrier`. A carrier without a valid
 * `traceparent` leaves the active context unchanged.
 */
export function contextFromCarrier(carrier: TraceCarrier): Context {
  return w3c.extract(context.active(), carrier, carrierGetter);
}

type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** Reads the W3C fields from kafkajs message headers (values arrive as Buffers). */
export function carrierFromKafkaHeaders(headers: Record<string, KafkaHeaderValue> | undefined): TraceCarrier {
  const read = (value: KafkaHeaderValue): string | undefined => {
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  };
  const carrier: TraceCarrier = {};
  const traceparent = read(headers?.traceparent);
  const tracestate = read(headers?.tracestate);
  if (traceparent !== undefined) carrier.traceparent = traceparent;
  if (tracestate !== undefined) carrier.tracestate = tracestate;
  return carrier;
}

/**
 * Runs `fn` inside a new active span and ends it when `fn` settles. A thrown error is recorded on the span,
 * sets its status to ERROR and is rethrown unchanged.
 */
export async function withSpan<T>(
  name: string,
  options: WithSpanOptions,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parentContext = options.parent ? contextFromCarrier(options.parent) : context.active();
  const tracer = trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan(
    name,
    { kind: options.kind, attributes: options.attributes, links: options.links },
    parentContext,
    async (span) => {
      try {
        return await fn(span);
      } catch (error: unknown) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
