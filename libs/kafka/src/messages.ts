import type { IHeaders, KafkaMessage } from 'kafkajs';

/** A record to publish. Headers are strings only: every producer in the system writes UTF-8 headers. */
export interface OutgoingMessage {
  key: string | null;
  value: string | Buffer;
  headers: Record<string, string>;
}

/** A record as read from a topic, free of kafkajs types so the client library can be swapped. */
export interface IncomingMessage {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit, hence a string. */
  offset: string;
  key: string | null;
  /** Null for tombstones. */
  value: Buffer | null;
  headers: Record<string, string>;
  /** Milliseconds since the epoch, as a string (kafkajs' representation). */
  timestamp: string;
}

export function toIncomingMessage(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers: headersToStrings(message.headers),
    timestamp: message.timestamp,
  };
}

/** Kafka allows repeated header keys; like most clients' "last header" lookup, the last value wins. */
function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) result[name] = value.toString();
  }
  return result;
}
