import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { AppendNotifier } from './append-notifier';
import { copyFromStdin, copyText } from './copy-from-stdin';
import { ConcurrencyError } from './errors';
import { UpcasterRegistry } from './upcasters';
import {
  Actor,
  ANY,
  AppendRequest,
  AppendResult,
  EventMetadata,
  ExpectedVersion,
  GlobalCheckpoint,
  NO_STREAM,
  NewEvent,
  RecordedEvent,
  START,
} from './types';

export interface EventStoreOptions {
  /** Stamped on every event's metadata as `sourceService`. */
  sourceService: string;
  upcasters?: UpcasterRegistry;
  /** A wake-up notification failed to send (readers still find the events by polling). */
  onNotifyError?: (error: Error) => void;
  /** Appends of at least this many events go through COPY FROM STDIN rather than one INSERT (default COPY_THRESHOLD). */
  copyThreshold?: number;
}

/**
 * From this many events on, COPY FROM STDIN is cheaper than one INSERT … json_to_recordset for PostgreSQL and for
 * the store alike, despite the second round trip that reads the positions back (ADR 0008).
 */
export const COPY_THRESHOLD = 32;
/** COPY data is sent in chunks of about this many characters, so a 100,000-event append is never one huge string. */
const COPY_CHUNK_CHARS = 1 << 20;

/** Metadata given once per append; each event may add to it. sourceService and trace context are filled in. */
export interface AppendMetadata {
  actor?: Actor;
  correlationId: string;
  causationId?: string;
  sourceService?: string;
  [key: string]: unknown;
}

export interface ReadStreamOptions {
  fromVersion?: number;
  /** Only events recorded at or before this instant: the stream's state as of T. */
  asOf?: Date;
}

export interface ReadAllOptions {
  after?: GlobalCheckpoint;
  limit?: number;
  eventTypes?: string[];
  /**
   * Each event's data also as the JSON text stored (`dataText`), and `data` parsed only when something reads it:
   * for the relay, which publishes the text and reads the data of few events, if any.
   */
  dataAsText?: boolean;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /**
   * Where the next read continues. Equals `after` when nothing new was safe to read. A read by `eventTypes` that
   * found fewer than `limit` events continues from the last event safe to read of ANY type: the events it passed
   * were of other types, and a reader of rare types must not scan them again on every read.
   */
  checkpoint: GlobalCheckpoint;
}

/** A stream to read for a decision, with the version of the caller's snapshot of it if it has one. */
export interface StreamToDecide {
  streamId: string;
  snapshotVersion?: number;
}

export interface StreamForDecision {
  /** The snapshot's version is the stream's version: `events` is empty and the snapshot is the state. */
  snapshotCurrent: boolean;
  /** The whole stream, in order, when there is no current snapshot. */
  events: RecordedEvent[];
}

const tracer = trace.getTracer('@smi/event-store');
const UNIQUE_VIOLATION = '23505';

interface EventRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

/** An event about to be stored, its documents already serialised (as they go to the database and come back to the caller). */
interface PendingRow {
  streamId: string;
  version: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: string;
  metadata: string;
}

/** What the database assigns to a stored event. */
interface Assigned {
  position: string;
  transaction_id: string;
  recorded_at: Date;
}

/** The rows in COPY text format, rendered a chunk at a time as the socket takes them, so a large batch is never held twice. */
function* copyChunks(rows: PendingRow[]): Generator<Buffer> {
  let text = '';
  for (const r of rows) {
    text += `${copyText(r.streamId)}\t${r.version}\t${copyText(r.eventId)}\t${copyText(r.type)}\t${r.schemaVersion}\t${copyText(r.data)}\t${copyText(r.metadata)}\n`;
    if (text.length >= COPY_CHUNK_CHARS) {
      yield Buffer.from(text);
      text = '';
    }
  }
  if (text.length > 0) yield Buffer.from(text);
}

const countEvents = (requests: AppendRequest[]) => requests.reduce((n, r) => n + r.events.length, 0);

const COLUMNS = `position::text AS position, transaction_id::text AS transaction_id, stream_id, stream_version,
  event_id::text AS event_id, event_type, schema_version, data, metadata, recorded_at`;
/** The same, with the data as text: the driver hands it over as a string instead of parsing it. */
const COLUMNS_DATA_AS_TEXT = COLUMNS.replace(' data,', ' data::text AS data,');

/**
 * The oldest transaction of this database still in flight (or the snapshot's xmax): every event of a transaction
 * below it is committed, and no event can still appear before one of them (see `readAll`).
 */
const SAFE_TO_READ_BELOW = `
           SELECT coalesce(min(running), pg_snapshot_xmax(pg_current_snapshot()))
           FROM pg_snapshot_xip(pg_current_snapshot()) AS running
           WHERE running::text::bigint % 4294967296 NOT IN (
             SELECT backend_xid::text::bigint FROM pg_stat_activity
             WHERE backend_xid IS NOT NULL AND datname <> current_database())`;

/** Negative, zero or positive as `a` comes before, at or after `b` in commit order (transaction id, then position). */
function commitOrder(a: GlobalCheckpoint, b: GlobalCheckpoint): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (byTransaction !== 0n) return byTransaction < 0n ? -1 : 1;
  const byPosition = BigInt(a.position) - BigInt(b.position);
  return byPosition === 0n ? 0 : byPosition < 0n ? -1 : 1;
}

/**
 * Append-only event store in the service's own PostgreSQL database. Every write goes through an
 * expected-version check, so two writers deciding on the same state can never both win.
 */
export class PostgresEventStore {
  private readonly upcasters: UpcasterRegistry;
  private readonly notifier: AppendNotifier;
  private readonly copyThreshold: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: EventStoreOptions,
  ) {
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.notifier = new AppendNotifier(dataSource, options.onNotifyError);
    this.copyThreshold = options.copyThreshold ?? COPY_THRESHOLD;
  }

  /** Resolves once the notification of the last append has been sent (tests, orderly shutdown). */
  notificationsSettled(): Promise<void> {
    return this.notifier.settled();
  }

  get sourceService(): string {
    return this.options.sourceService;
  }

  /** Appends to one stream. Pass `manager` to join the caller's transaction (inline projections). */
  async append(
    streamId: string,
    events: NewEvent[],
    expectedVersion: ExpectedVersion,
    metadata: AppendMetadata,
    manager?: EntityManager,
  ): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, expectedVersion }], metadata, manager);
    return result;
  }

  /**
   * Appends to many streams in one transaction: all succeed or none do. The way throughput is won when a batch of
   * commands is handled together. Up to `copyThreshold` events go in one INSERT, more through COPY FROM STDIN
   * (ADR 0008). Pass `manager` to join the caller's transaction.
   */
  async appendMany(requests: AppendRequest[], metadata: AppendMetadata, manager?: EntityManager): Promise<AppendResult[]> {
    if (requests.length === 0) return [];
    const seen = new Set<string>();
    for (const request of requests) {
      if (seen.has(request.streamId)) throw new Error(`stream ${request.streamId} appears twice in one appendMany; merge its events`);
      seen.add(request.streamId);
    }
    return tracer.startActiveSpan(
      'event-store append',
      { kind: SpanKind.INTERNAL, attributes: { 'smi.streams': requests.length, 'smi.source_service': this.options.sourceService } },
      async (span) => {
        try {
          // Only a transaction that is open joins it; a manager outside one appends as the store's own transaction.
          const callers = manager?.queryRunner?.isTransactionActive ? (manager.queryRunner as PostgresQueryRunner) : undefined;
          const results = callers
            ? await this.write((await callers.connect()) as PoolClient, requests, metadata, false)
            : await this.writeInOwnTransaction(requests, metadata);
          // Committed already, or marked so that the caller's commit wakes the readers.
          this.notifier.appended(callers);
          span.setAttribute('smi.events', results.reduce((n, r) => n + r.events.length, 0));
          return results;
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  /** The DataSource's own pg pool: the write path talks to pg directly, with named statements, not through TypeORM's query(). */
  private get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  private async writeInOwnTransaction(requests: AppendRequest[], metadata: AppendMetadata): Promise<AppendResult[]> {
    // New streams need no lookup (see write), and one INSERT is atomic on its own: no BEGIN/COMMIT round trips, and
    // the pool hands the statement to any free connection.
    if (requests.every((r) => r.expectedVersion === NO_STREAM) && countEvents(requests) < this.copyThreshold) {
      return this.write(this.pool, requests, metadata, true);
    }
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const results = await this.write(client, requests, metadata, true);
        await client.query('COMMIT');
        return results;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  private async write(db: Pool | PoolClient, requests: AppendRequest[], metadata: AppendMetadata, ownTransaction: boolean): Promise<AppendResult[]> {
    // A new stream (NO_STREAM) needs no lookup when the transaction is ours: its version 1 already existing breaks
    // events_stream_version_unique, which becomes the ConcurrencyError, and aborts only our own transaction. In a
    // caller's transaction it is looked up first, so that refusing it leaves their transaction usable.
    const lookup = requests.filter((r) => !(ownTransaction && r.expectedVersion === NO_STREAM)).map((r) => r.streamId);
    const current = new Map<string, number>();
    if (lookup.length > 0) {
      // One index probe per stream whatever the statistics say: `stream_id = ANY($1) GROUP BY stream_id` was planned
      // as a sequential scan of the whole table while a freshly loaded table was not yet analysed.
      const { rows } = await db.query<{ stream_id: string; version: number | null }>({
        name: 'smi_event_store_versions',
        text: `SELECT s.stream_id, (SELECT max(e.stream_version) FROM events e WHERE e.stream_id = s.stream_id) AS version
               FROM unnest($1::text[]) AS s(stream_id)`,
        values: [lookup],
      });
      for (const row of rows) if (row.version !== null) current.set(row.stream_id, Number(row.version));
    }

    const traceContext: Record<string, string> = {};
    propagation.inject(context.active(), traceContext);
    const baseMetadata: EventMetadata = {
      ...metadata,
      sourceService: metadata.sourceService ?? this.options.sourceService,
      ...(traceContext.traceparent ? { traceparent: traceContext.traceparent } : {}),
      ...(traceContext.tracestate ? { tracestate: traceContext.tracestate } : {}),
    };
    // Serialised once per append, not once per event: most events add nothing to the append's metadata.
    const baseMetadataJson = JSON.stringify(baseMetadata);

    const rows: PendingRow[] = [];
    const nextVersions = new Map<string, number>();
    for (const request of requests) {
      const actual = current.get(request.streamId) ?? 0;
      assertExpected(request.streamId, request.expectedVersion, actual);
      let version = actual;
      for (const event of request.events) {
        version += 1;
        rows.push({
          streamId: request.streamId,
          version,
          eventId: event.eventId ?? randomUUID(),
          type: event.type,
          schemaVersion: event.schemaVersion ?? this.upcasters.currentVersion(event.type),
          // The stored JSON is what callers get back (parsed), so they see exactly what a reader will.
          data: JSON.stringify(event.data ?? null) ?? 'null',
          metadata: event.metadata ? JSON.stringify({ ...baseMetadata, ...event.metadata }) : baseMetadataJson,
        });
      }
      nextVersions.set(request.streamId, version);
    }

    let assigned: Assigned[] = [];
    if (rows.length > 0) {
      try {
        assigned = rows.length >= this.copyThreshold ? await this.copyRows(db as PoolClient, rows) : await this.insertRows(db, rows);
      } catch (error) {
        throw translateConflict(error, requests);
      }
    }
    const byStream = new Map<string, RecordedEvent[]>();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const db = assigned[i];
      const list = byStream.get(row.streamId) ?? [];
      list.push(
        this.toRecorded({
          position: db.position,
          transaction_id: db.transaction_id,
          stream_id: row.streamId,
          stream_version: row.version,
          event_id: row.eventId,
          event_type: row.type,
          schema_version: row.schemaVersion,
          data: JSON.parse(row.data),
          metadata: JSON.parse(row.metadata) as EventMetadata,
          recorded_at: db.recorded_at,
        }),
      );
      byStream.set(row.streamId, list);
    }
    return requests.map((request) => ({
      streamId: request.streamId,
      nextVersion: nextVersions.get(request.streamId) ?? 0,
      events: byStream.get(request.streamId) ?? [],
    }));
  }

  /** One INSERT, as a named statement: each connection parses and plans it once. Returns what the database assigned, row by row. */
  private async insertRows(db: Pool | PoolClient, rows: PendingRow[]): Promise<Assigned[]> {
    if (rows.length === 1) {
      const [row] = rows;
      const { rows: assigned } = await db.query<Assigned>({
        name: 'smi_event_store_insert_one',
        text: `INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
               VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)
               RETURNING position::text AS position, transaction_id::text AS transaction_id, recorded_at`,
        values: [row.streamId, row.version, row.eventId, row.type, row.schemaVersion, row.data, row.metadata],
      });
      return assigned;
    }
    // The whole batch as one JSON document: PostgreSQL parses it in one go, where text[]/jsonb[] parameters cost
    // an array literal with every quote of every event escaped. The documents are spliced in as they were
    // serialised, not serialised again inside strings (a JSON null comes out of the recordset as SQL NULL, hence the
    // coalesce). Only the columns the database assigns come back.
    let json = '[';
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      json += `${i === 0 ? '' : ','}{"s":${JSON.stringify(r.streamId)},"v":${r.version},"e":${JSON.stringify(r.eventId)},"t":${JSON.stringify(r.type)},"sv":${JSON.stringify(r.schemaVersion)},"d":${r.data},"m":${r.metadata}}`;
    }
    json += ']';
    const { rows: returned } = await db.query<Assigned & { stream_id: string; stream_version: number }>({
      name: 'smi_event_store_insert_many',
      text: `INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
             SELECT r.s, r.v, r.e, r.t, r.sv, coalesce(r.d, 'null'::jsonb), r.m
             FROM json_to_recordset($1::json) AS r(s text, v int, e uuid, t text, sv int, d jsonb, m jsonb)
             RETURNING stream_id, stream_version, position::text AS position, transaction_id::text AS transaction_id, recorded_at`,
      values: [json],
    });
    const byKey = new Map(returned.map((a) => [`${a.stream_id}\u0000${a.stream_version}`, a]));
    return rows.map((row) => {
      const a = byKey.get(`${row.streamId}\u0000${row.version}`);
      if (!a) throw new Error(`the database returned no position for ${row.streamId} version ${row.version}`);
      return a;
    });
  }

  /**
   * COPY FROM STDIN, then the positions read back: COPY has no RETURNING. The rows of this transaction with the
   * highest positions are the ones just copied, in their order: positions only grow within a session, and the
   * default transaction_id is the (top-level) transaction's own id, which the index (transaction_id, position) finds.
   * Always inside a transaction (the caller's or the store's own), so the read-back sees exactly one transaction.
   * `events.position`, qualified: the bare name would order by the text alias (so '10' before '9').
   */
  private async copyRows(client: PoolClient, rows: PendingRow[]): Promise<Assigned[]> {
    const copied = await copyFromStdin(
      client,
      `COPY events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata) FROM STDIN`,
      copyChunks(rows),
    );
    if (copied !== rows.length) throw new Error(`COPY stored ${copied} events, expected ${rows.length}`);
    const { rows: assigned } = await client.query<Assigned>({
      name: 'smi_event_store_copied',
      text: `SELECT position::text AS position, transaction_id::text AS transaction_id, recorded_at FROM events
             WHERE transaction_id = pg_current_xact_id() ORDER BY events.position DESC LIMIT $1`,
      values: [rows.length],
    });
    if (assigned.length !== rows.length) throw new Error(`read back ${assigned.length} positions of ${rows.length} copied events`);
    return assigned.reverse();
  }

  /** The stream's current version; 0 when it does not exist. */
  async streamVersion(streamId: string, manager?: EntityManager): Promise<number> {
    const rows: Array<{ version: number | null }> = await (manager ?? this.dataSource).query(
      `SELECT max(stream_version) AS version FROM events WHERE stream_id = $1`,
      [streamId],
    );
    return Number(rows[0]?.version ?? 0);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}, manager?: EntityManager): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await (manager ?? this.dataSource).query(
      `SELECT ${COLUMNS} FROM events
       WHERE stream_id = $1 AND stream_version >= $2 AND ($3::timestamptz IS NULL OR recorded_at <= $3::timestamptz)
       ORDER BY stream_version`,
      [streamId, options.fromVersion ?? 1, options.asOf ?? null],
    );
    return rows.map((row) => this.toRecorded(row));
  }

  /** Reads several streams at once (batched command handling). */
  async readStreams(streamIds: string[], manager?: EntityManager): Promise<Map<string, RecordedEvent[]>> {
    const result = new Map<string, RecordedEvent[]>(streamIds.map((id) => [id, []]));
    if (streamIds.length === 0) return result;
    const rows: EventRow[] = await (manager ?? this.dataSource).query(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version`,
      [streamIds],
    );
    for (const row of rows) result.get(row.stream_id)?.push(this.toRecorded(row));
    return result;
  }

  /**
   * Reads the streams a batch of commands decides on, in one query. A stream named with the version of a snapshot
   * the caller holds comes back without its events when that is still the stream's version (the snapshot is
   * current), and whole otherwise, so a snapshot that fell behind is never taken for the stream's state.
   */
  async readStreamsForDecision(streams: StreamToDecide[], manager?: EntityManager): Promise<Map<string, StreamForDecision>> {
    const result = new Map<string, StreamForDecision>(
      streams.map((s) => [s.streamId, { snapshotCurrent: s.snapshotVersion !== undefined, events: [] }]),
    );
    if (streams.length === 0) return result;
    // One index probe per stream, like the append's lookup: a join on `stream_id = ANY(...)` may be planned as a scan.
    // A current snapshot leaves `from_version` null, which the index condition answers without touching an event, and
    // its stream sends no row back; a snapshot that is not current sends its events, or one empty row when there are none.
    const rows: Array<EventRow & { requested: string }> = await (manager ?? this.dataSource).query(
      `SELECT s.stream_id AS requested, e.*
       FROM json_to_recordset($1::json) AS s(stream_id text, snapshot_version int)
       CROSS JOIN LATERAL (
         SELECT CASE WHEN s.snapshot_version IS NOT NULL
           AND s.snapshot_version = (SELECT max(v.stream_version) FROM events v WHERE v.stream_id = s.stream_id) THEN NULL ELSE 1 END AS from_version) c
       LEFT JOIN LATERAL (
         SELECT ${COLUMNS} FROM events
         WHERE events.stream_id = s.stream_id AND events.stream_version >= c.from_version
         ORDER BY events.stream_version) e ON true
       WHERE c.from_version IS NOT NULL AND (e.event_id IS NOT NULL OR s.snapshot_version IS NOT NULL)
       ORDER BY s.stream_id, e.stream_version`,
      // As one JSON document, which PostgreSQL parses in one go: array parameters cost the driver an escaped literal.
      [JSON.stringify(streams.map((s) => ({ stream_id: s.streamId, snapshot_version: s.snapshotVersion ?? null })))],
    );
    for (const row of rows) {
      const read = result.get(row.requested) as StreamForDecision;
      read.snapshotCurrent = false;
      if (row.event_id !== null) read.events.push(this.toRecorded(row));
    }
    return result;
  }

  /**
   * Every committed event in commit order, without ever skipping one.
   *
   * Positions are handed out at INSERT time, so a transaction holding position 10 can commit after
   * one holding 11. A reader ordering by position alone would see 11, move its checkpoint past 10
   * and never see 10. Ordering by (transaction id, position) and reading only transactions older than
   * the oldest one still in flight means everything returned is committed and nothing can later appear
   * before the checkpoint.
   *
   * "In flight" leaves out transactions known to run in another database of the same server: they cannot
   * write this table, yet the snapshot's own xmin counts them, so one long transaction anywhere on the
   * server (another service's, a migration's) would hold back every relay and projection. A transaction
   * whose database cannot be told (it ended meanwhile, it is prepared) still counts.
   */
  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = options.after ?? START;
    const limit = options.limit ?? 1000;
    // Read BEFORE the page, so every event up to it is visible to the page's read too (see ReadAllResult.checkpoint).
    const horizon = options.eventTypes ? await this.lastSafeToRead() : undefined;
    // A named statement: planning this query cost more than running it (about 1.4 against 2 ms per relay round in
    // the event-store bench), and every relay and projection round runs it. Two names: the data as jsonb or as text.
    const { rows } = await this.pool.query<EventRow>({
      name: options.dataAsText ? 'smi_event_store_read_all_text' : 'smi_event_store_read_all',
      text: `SELECT ${options.dataAsText ? COLUMNS_DATA_AS_TEXT : COLUMNS} FROM events
       WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
         AND transaction_id < (${SAFE_TO_READ_BELOW})
         AND ($4::text[] IS NULL OR event_type = ANY($4::text[]))
       ORDER BY events.transaction_id, events.position
       LIMIT $3`,
      values: [after.transactionId, after.position, limit, options.eventTypes ?? null],
    });
    const events = rows.map((row) => (options.dataAsText ? this.toRecordedWithText(row) : this.toRecorded(row)));
    const last = events[events.length - 1];
    const reached = last ? { transactionId: last.transactionId, position: last.position } : after;
    // A short page of some types has every event of them up to the horizon: continue from there, past the others.
    if (horizon && events.length < limit && commitOrder(horizon, reached) > 0) return { events, checkpoint: horizon };
    return { events, checkpoint: reached };
  }

  /** The last event in commit order that every reader can see now (undefined on an empty store). */
  private async lastSafeToRead(): Promise<GlobalCheckpoint | undefined> {
    // Aliases unlike the columns: ORDER BY would otherwise sort the text casts ('9' after '31').
    const { rows } = await this.pool.query<{ last_transaction_id: string; last_position: string }>({
      name: 'smi_event_store_last_safe_to_read',
      text: `SELECT transaction_id::text AS last_transaction_id, position::text AS last_position FROM events
       WHERE transaction_id < (${SAFE_TO_READ_BELOW})
       ORDER BY events.transaction_id DESC, events.position DESC
       LIMIT 1`,
    });
    return rows[0] ? { transactionId: rows[0].last_transaction_id, position: rows[0].last_position } : undefined;
  }

  /** Every event that belongs to one request or Service Request, across streams, in commit order. */
  async readByCorrelationId(correlationId: string): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM events WHERE metadata->>'correlationId' = $1 ORDER BY events.transaction_id, events.position`,
      [correlationId],
    );
    return rows.map((row) => this.toRecorded(row));
  }

  /** Counts events not yet read by a reader at `after`: the backlog a relay or projection reports. */
  async countAfter(after: GlobalCheckpoint): Promise<number> {
    const rows: Array<{ count: string }> = await this.dataSource.query(
      `SELECT count(*)::text AS count FROM events WHERE (transaction_id, position) > ($1::xid8, $2::bigint)`,
      [after.transactionId, after.position],
    );
    return Number(rows[0].count);
  }

  /** A row whose data was read as text: kept as `dataText`, parsed on first read of `data` (upcast ones at once). */
  private toRecordedWithText(row: EventRow): RecordedEvent {
    const text = row.data as string;
    if (this.upcasters.upcasts(row.event_type, row.schema_version)) {
      // What is published is the current shape, as every other reader sees it.
      const upcast = this.toRecorded({ ...row, data: JSON.parse(text) });
      return { ...upcast, dataText: JSON.stringify(upcast.data) };
    }
    const event = this.toRecorded({ ...row, data: undefined });
    let parsed: { data: unknown } | undefined;
    Object.defineProperty(event, 'data', {
      enumerable: true,
      get: () => (parsed ??= { data: JSON.parse(text) }).data,
    });
    event.dataText = text;
    return event;
  }

  private toRecorded(row: EventRow): RecordedEvent {
    const { schemaVersion, data } = this.upcasters.upcast(row.event_type, row.schema_version, row.data);
    return {
      position: row.position,
      transactionId: row.transaction_id,
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      eventId: row.event_id,
      type: row.event_type,
      schemaVersion,
      data,
      metadata: row.metadata,
      recordedAt: new Date(row.recorded_at),
    };
  }
}

function assertExpected(streamId: string, expected: ExpectedVersion, actual: number): void {
  if (expected === ANY) return;
  if (expected === NO_STREAM) {
    if (actual !== 0) throw new ConcurrencyError(streamId, expected, actual);
    return;
  }
  if (!Number.isInteger(expected) || expected < 0) throw new Error(`invalid expected version ${String(expected)} for ${streamId}`);
  if (actual !== expected) throw new ConcurrencyError(streamId, expected, actual);
}

/** A unique violation means another transaction appended the same version first. */
function translateConflict(error: unknown, requests: AppendRequest[]): unknown {
  const pgError = error as { code?: string; constraint?: string; detail?: string; driverError?: { code?: string; constraint?: string; detail?: string } };
  const code = pgError.code ?? pgError.driverError?.code;
  const constraint = pgError.constraint ?? pgError.driverError?.constraint;
  if (code !== UNIQUE_VIOLATION || constraint !== 'events_stream_version_unique') return error;
  const detail = pgError.detail ?? pgError.driverError?.detail ?? '';
  const match = detail.match(/=\((.*), (\d+)\) already exists/);
  const streamId = match?.[1] ?? requests[0].streamId;
  const expected = requests.find((r) => r.streamId === streamId)?.expectedVersion ?? ANY;
  return new ConcurrencyError(streamId, expected, undefined);
}
