// Imported first by traced-platform-process.ts, exactly as a service's main.ts imports its instrument.ts:
// the http and pg instrumentations only patch modules loaded after initTelemetry.
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { initTelemetry } from '@smi/telemetry';

export const exporter = new InMemorySpanExporter();
export const telemetry = initTelemetry({ serviceName: 'tracing-probe', spanProcessors: [new SimpleSpanProcessor(exporter)] });
