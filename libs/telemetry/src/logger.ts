import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

export type { PinoLogger };

/**
 * The one logging port of the libs (Kafka client, outbox relay, projection runner) and the services: a
 * message and structured fields. A service hands them one that writes through its own logger, so every
 * line carries the service name and trace ids; a lib used on its own falls back to JSON lines on stderr.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** `trace_id` / `span_id` of the active span, so a log line can be found from its trace and vice versa. */
export function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getSpanContext(context.active());
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * A JSON logger tagged with `service` whose every line carries the active span's ids.
 * `destination` defaults to stdout; tests pass a stream to read the lines back.
 */
export function createLogger(serviceName: string, level: string, destination?: DestinationStream): PinoLogger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: serviceName },
    // Level names rather than pino's numbers: log pipelines and people filter on "error", not 50.
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: activeTraceFields,
  };
  return destination ? pino(options, destination) : pino(options);
}
