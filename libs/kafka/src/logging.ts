import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '@smi/telemetry';
import type { KafkaLogLevel } from './settings';

/** The default: one JSON line per entry on stderr, which every log collector understands. */
export const stderrJsonLogger: Logger = {
  info: (message, fields) => write('info', message, fields),
  warn: (message, fields) => write('warn', message, fields),
  error: (message, fields) => write('error', message, fields),
};

function write(level: string, message: string, fields: Record<string, unknown> = {}): void {
  console.error(JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields }, errorsAsText));
}

// JSON.stringify turns an Error into {}, losing exactly what the log entry is for.
function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

export function kafkajsLogLevel(level: KafkaLogLevel): logLevel {
  return { error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO }[level];
}

/** Routes kafkajs' own log entries to our logger (kafkajs filters by level before calling it). */
export function kafkajsLogCreator(logger: Logger): logCreator {
  return () => ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
    const entry = { component: 'kafkajs', namespace, ...fields };
    if (level === logLevel.ERROR || level === logLevel.NOTHING) logger.error(message, entry);
    else if (level === logLevel.WARN) logger.warn(message, entry);
    else logger.info(message, entry);
  };
}
