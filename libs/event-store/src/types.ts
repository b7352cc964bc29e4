/** Who caused a change: taken from the verified bearer token or from the integration that sent it. */
export interface Actor {
  userId: string;
  partyId: string;
  partyType: string;
  roles: string[];
}

/**
 * What every event carries besides its data, so an auditor can answer who, why and as part of what.
 * Extra keys (submission id, row number, request id …) are allowed and kept.
 */
export interface EventMetadata {
  actor?: Actor;
  /** The HTTP request id or the Service Request's RequestID that this change belongs to. */
  correlationId: string;
  /** The command or event that directly caused this one. */
  causationId?: string;
  sourceService: string;
  traceparent?: string;
  tracestate?: string;
  [key: string]: unknown;
}

export interface NewEvent<Data = unknown> {
  type: string;
  data: Data;
  /** Defaults to the current version registered for the type (1 when none). */
  schemaVersion?: number;
  /** Supply to make a retried append recognisable; generated otherwise. */
  eventId?: string;
  /** Merged over the append's metadata. */
  metadata?: Partial<EventMetadata>;
}

export interface RecordedEvent<Data = unknown> {
  /** Global position: unique and increasing in insert order, NOT in commit order (see readAll). */
  position: string;
  /** PostgreSQL transaction id (xid8) of the appending transaction. */
  transactionId: string;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
  /**
   * The data as the JSON text the store holds, when read with `readAll({ dataAsText: true })`: the relay publishes it
   * as it is, where parsing every event and serialising it again cost it CPU for the same bytes. Absent otherwise.
   */
  dataText?: string;
}

export const NO_STREAM = 'no_stream' as const;
export const ANY = 'any' as const;
/** `no_stream`: the stream must not exist; a number: the stream must be exactly at that version. */
export type ExpectedVersion = typeof NO_STREAM | typeof ANY | number;

export interface AppendRequest {
  streamId: string;
  events: NewEvent[];
  expectedVersion: ExpectedVersion;
}

export interface AppendResult {
  streamId: string;
  /** The stream's version after the append. */
  nextVersion: number;
  events: RecordedEvent[];
}

/** Where a reader of all events has got to: ordered by (transaction id, position). */
export interface GlobalCheckpoint {
  transactionId: string;
  position: string;
}

export const START: GlobalCheckpoint = Object.freeze({ transactionId: '0', position: '0' });
