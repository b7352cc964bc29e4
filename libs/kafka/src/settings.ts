/** Where kafkajs and our Kafka code write their logs; a service passes its own (e.g. pino) logger here. */
export interface KafkaLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type KafkaLogLevel = 'error' | 'warn' | 'info';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Prefix applied by `KafkaClient.topic()`; lets test runs and tenants share one broker. */
  topicPrefix?: string;
  /** Defaults to JSON lines on stderr. */
  logger?: KafkaLogger;
  /** kafkajs is chatty at info (every rebalance, every connect), so only errors are logged unless asked. */
  logLevel?: KafkaLogLevel;
}

/** `prefix.base`, or `base` when there is no prefix; a prefix already ending in "." is not doubled. */
export function topicName(prefix: string | undefined, base: string): string {
  if (!prefix) return base;
  return prefix.endsWith('.') ? `${prefix}${base}` : `${prefix}.${base}`;
}
