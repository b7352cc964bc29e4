import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  serviceName: string;
  /** Full OTLP/HTTP traces URL, e.g. `http://collector:4318/v1/traces`. Without it spans are created but not exported. */
  otlpTracesEndpoint?: string;
  /** Extra processors, e.g. `new SimpleSpanProcessor(new InMemorySpanExporter())` in tests. */
  spanProcessors?: SpanProcessor[];
}

export interface TelemetryHandle {
  tracer: Tracer;
  /** Flushes pending spans, removes the http/pg patches and unregisters the global tracer, propagator and context manager. */
  shutdown(): Promise<void>;
}

// Kept on globalThis rather than in a module variable so that two copies of this module (Jest's isolateModules,
// a duplicated install) still share one provider: the OpenTelemetry API refuses a second global registration.
const HANDLE_KEY = Symbol.for('@smi/telemetry.handle');
type GlobalWithHandle = typeof globalThis & { [HANDLE_KEY]?: TelemetryHandle };

/**
 * Starts tracing for the process. Call it before `http`, `pg` (and anything that loads them, such as NestJS or
 * TypeORM) are required, because the instrumentations patch those modules when they are loaded: each service's
 * `main.ts` imports its `instrument.ts` (which only calls this) as its very first import.
 *
 * Idempotent: later calls return the first handle and ignore their options.
 */
export function initTelemetry(options: TelemetryOptions): TelemetryHandle {
  const holder = globalThis as GlobalWithHandle;
  const existing = holder[HANDLE_KEY];
  if (existing) return existing;

  const spanProcessors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.otlpTracesEndpoint) {
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: options.otlpTracesEndpoint })));
  }

  // Registered even with no processor: trace ids must exist so logs and Kafka headers can carry them.
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName })),
    spanProcessors,
  });
  // Leaving contextManager undefined makes the provider install its AsyncLocalStorageContextManager; naming it
  // here would need @opentelemetry/context-async-hooks as a direct dependency for no gain.
  provider.register({ propagator: new W3CTraceContextPropagator() });

  const instrumentations: Instrumentation[] = [
    new HttpInstrumentation(),
    // Without a parent span, every pool check-out and outbox poll would become its own one-span trace.
    new PgInstrumentation({ requireParentSpan: true }),
  ];
  const unregisterInstrumentations = registerInstrumentations({ tracerProvider: provider, instrumentations });

  let shuttingDown: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    tracer: provider.getTracer(options.serviceName),
    shutdown() {
      shuttingDown ??= (async () => {
        unregisterInstrumentations();
        try {
          await provider.shutdown();
        } finally {
          trace.disable();
          propagation.disable();
          context.disable();
          if (holder[HANDLE_KEY] === handle) delete holder[HANDLE_KEY];
        }
      })();
      return shuttingDown;
    },
  };
  holder[HANDLE_KEY] = handle;
  return handle;
}
