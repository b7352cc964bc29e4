export { SpanKind, SpanStatusCode } from '@opentelemetry/api';
export type { Attributes, Context, Link, Span, Tracer } from '@opentelemetry/api';
export { initTelemetry } from './init-telemetry';
export type { TelemetryHandle, TelemetryOptions } from './init-telemetry';
export {
  carrierFromKafkaHeaders,
  contextFromCarrier,
  currentTraceContext,
  withSpan,
} from './trace-context';
export type { TraceCarrier, WithSpanOptions } from './trace-context';
export { activeTraceFields, createLogger } from './logger';
export type { Logger, PinoLogger } from './logger';
export { NestPinoLogger } from './nest-pino-logger';
export { DURATION_BUCKETS_SECONDS, metricsMeter, prometheusText, PROMETHEUS_CONTENT_TYPE } from './metrics';
export type { BatchObservableCallback, BatchObservableResult, Counter, Histogram, Meter, Observable, ObservableGauge, ObservableResult } from '@opentelemetry/api';
