// Imported first by main.ts: OpenTelemetry must patch http and pg before anything loads them.
import { initTelemetry } from '@smi/telemetry';

initTelemetry({ serviceName: 'publication', otlpTracesEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || undefined });
