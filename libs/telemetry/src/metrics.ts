import type { Meter } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/** The content type of Prometheus's text exposition format, as a scrape expects it. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Bucket bounds in seconds for request and job durations: 5 ms to 30 s (OpenTelemetry's default ones are milliseconds). */
export const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface MetricsRegistry {
  provider: MeterProvider;
  exporter: PrometheusExporter;
  serializer: PrometheusSerializer;
}

// On globalThis for the same reason as the tracer's handle (init-telemetry.ts): two copies of this module in one
// process must still count into, and scrape, one registry.
const REGISTRY_KEY = Symbol.for('@smi/telemetry.metrics');
type GlobalWithRegistry = typeof globalThis & { [REGISTRY_KEY]?: MetricsRegistry };

/**
 * The process's one MeterProvider, made on first use, read only by `prometheusText()`: the exporter's own HTTP
 * server is never started (`preventServerStart`), the service serves the text on its own port, behind its own
 * authentication. Not registered as OpenTelemetry's global provider: the API hands out no-op meters before a global
 * provider exists, so an instrument made at import time would count nothing; this one exists whenever it is asked.
 */
function registry(): MetricsRegistry {
  const holder = globalThis as GlobalWithRegistry;
  if (!holder[REGISTRY_KEY]) {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    // No `otel_scope_name` on every series and no `target_info`: Prometheus's job and instance labels say whose
    // metrics they are, and every label here costs a little on each series of every scrape.
    holder[REGISTRY_KEY] = { provider, exporter, serializer: new PrometheusSerializer(undefined, false, undefined, true, true) };
  }
  return holder[REGISTRY_KEY];
}

/** A meter on the process's registry; instruments made from it appear in `prometheusText()`. */
export function metricsMeter(name = '@smi'): Meter {
  return registry().provider.getMeter(name);
}

/**
 * Every instrument's current values in Prometheus's text format. Observable instruments are read now, each callback
 * with the collection's timeout: one whose query fails is left out of this scrape (and logged by OpenTelemetry's
 * diagnostics), the others are still served.
 */
export async function prometheusText(): Promise<string> {
  const { exporter, serializer } = registry();
  const { resourceMetrics } = await exporter.collect({ timeoutMillis: 5_000 });
  return serializer.serialize(resourceMetrics);
}
