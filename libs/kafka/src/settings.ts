import type { Logger } from '@smi/telemetry';

export type KafkaLogLevel = 'error' | 'warn' | 'info';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Prefix applied by `KafkaClient.topic()`; lets test runs and tenants share one broker. */
  topicPrefix?: string;
  /** Where kafkajs and our Kafka code write their logs; defaults to JSON lines on stderr. */
  logger?: Logger;
  /** kafkajs is chatty at info (every rebalance, every connect), so only errors are logged unless asked. */
  logLevel?: KafkaLogLevel;
}

/** `prefix.base`, or `base` when there is no prefix; a prefix already ending in "." is not doubled. */
export function topicName(prefix: string | undefined, base: string): string {
  if (!prefix) return base;
  return prefix.endsWith('.') ? `${prefix}${base}` : `${prefix}.${base}`;
}
