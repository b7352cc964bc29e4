// Imported first by a benchmark, as a service's main.ts imports its instrument.ts: services always run with
// tracing started (spans are made even when nothing exports them), so the figures include that cost.
// `--no-telemetry` measures without it.
import { initTelemetry, type TelemetryHandle } from '@smi/telemetry';

export const telemetryEnabled = !process.argv.includes('--no-telemetry');
export const telemetry: TelemetryHandle | undefined = telemetryEnabled ? initTelemetry({ serviceName: 'bench' }) : undefined;
