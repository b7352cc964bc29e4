import type { MessageProducer } from '@smi/kafka';
import type { DataSource } from 'typeorm';

/** Who replayed a dead letter: the operator's verified identity, as the caller knows it. */
export interface DeadLetterReplayer {
  userId: string;
  partyId: string;
  partyType: string;
  roles: string[];
}

export interface DeadLetterSummary {
  id: string;
  consumer: string;
  topic: string;
  partition: number;
  offset: string;
  messageId: string;
  error: string;
  recordedAt: string;
  /** False for rows written before messages were kept (they can only be replayed by hand from `<topic>.dlq`). */
  replayable: boolean;
  replayedAt: string | null;
  replayedBy: DeadLetterReplayer | null;
}

export interface DeadLetter extends DeadLetterSummary {
  key: string | null;
  /** UTF-8 text when the bytes are valid UTF-8, else base64 (see `valueEncoding`). */
  value: string | null;
  valueEncoding: 'utf8' | 'base64' | null;
  headers: Record<string, string> | null;
}

export class DeadLetterNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`no dead letter ${id}`);
  }
}

export class DeadLetterAlreadyReplayedError extends Error {
  constructor(
    readonly id: string,
    readonly replayedAt: string,
    readonly replayedBy: DeadLetterReplayer | null,
  ) {
    super(`dead letter ${id} was already replayed at ${replayedAt}${replayedBy ? ` by ${replayedBy.userId}` : ''}`);
  }
}

export class DeadLetterNotReplayableError extends Error {
  constructor(readonly id: string, topic: string) {
    super(`dead letter ${id} was recorded before messages were kept with it: replay it from ${topic}.dlq by hand (docs/runbook.md)`);
  }
}

interface Row {
  id: string;
  consumer: string;
  topic: string;
  partition: number;
  offset: string;
  message_id: string;
  error: string;
  recorded_at: Date;
  message_key: string | null;
  message_value: Buffer | null;
  message_headers: Record<string, string> | null;
  replayed_at: Date | null;
  replayed_by: DeadLetterReplayer | null;
}

const SUMMARY_COLUMNS = `id::text AS id, consumer, topic, partition, "offset"::text AS "offset", message_id, error, recorded_at,
  (message_value IS NOT NULL) AS replayable, replayed_at, replayed_by`;

/**
 * The dead letters one service's consumers recorded in its own database (`consumer_dead_letters`), and their
 * replay: the message goes back to its source topic with its key and headers as received, and the row records
 * when and by whom, once. Replaying also forgets the consumer's inbox claim on the message id (made when it was
 * dead-lettered), otherwise a message with a `ce_id` would come back as a "repeat" and never be applied.
 */
export class DeadLetterStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first. */
  async list(options: { limit: number; pendingOnly?: boolean }): Promise<DeadLetterSummary[]> {
    const rows: Array<Row & { replayable: boolean }> = await this.dataSource.query(
      `SELECT ${SUMMARY_COLUMNS} FROM consumer_dead_letters
       WHERE NOT $2::boolean OR replayed_at IS NULL
       ORDER BY id DESC LIMIT $1`,
      [options.limit, options.pendingOnly ?? false],
    );
    return rows.map((row) => summary(row, row.replayable));
  }

  async show(id: string): Promise<DeadLetter> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT *, id::text AS id, "offset"::text AS "offset" FROM consumer_dead_letters WHERE id = $1`,
      [id],
    );
    if (rows.length === 0) throw new DeadLetterNotFoundError(id);
    return detail(rows[0]);
  }

  /**
   * Produces the message back to its source topic and records the replay, in one transaction: if Kafka refuses,
   * nothing is recorded; a concurrent second replay waits on the row lock and is then refused.
   */
  async replay(id: string, by: DeadLetterReplayer, producer: MessageProducer): Promise<DeadLetter> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Row[] = await manager.query(
        `SELECT *, id::text AS id, "offset"::text AS "offset" FROM consumer_dead_letters WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (rows.length === 0) throw new DeadLetterNotFoundError(id);
      const row = rows[0];
      if (row.replayed_at) throw new DeadLetterAlreadyReplayedError(id, row.replayed_at.toISOString(), row.replayed_by);
      if (row.message_value === null) throw new DeadLetterNotReplayableError(id, row.topic);
      const replayer = { userId: by.userId, partyId: by.partyId, partyType: by.partyType, roles: [...by.roles] };
      await manager.query('UPDATE consumer_dead_letters SET replayed_at = now(), replayed_by = $2 WHERE id = $1', [id, JSON.stringify(replayer)]);
      const [updated]: Row[] = await manager.query(
        `SELECT *, id::text AS id, "offset"::text AS "offset" FROM consumer_dead_letters WHERE id = $1`,
        [id],
      );
      await manager.query('DELETE FROM consumer_inbox WHERE consumer = $1 AND message_id = $2', [row.consumer, row.message_id]);
      await producer.send(row.topic, [{ key: row.message_key, value: row.message_value, headers: row.message_headers ?? {} }]);
      return detail(updated);
    });
  }
}

function summary(row: Row, replayable: boolean): DeadLetterSummary {
  return {
    id: row.id,
    consumer: row.consumer,
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    messageId: row.message_id,
    error: row.error,
    recordedAt: row.recorded_at.toISOString(),
    replayable,
    replayedAt: row.replayed_at ? row.replayed_at.toISOString() : null,
    replayedBy: row.replayed_by,
  };
}

function detail(row: Row): DeadLetter {
  const value = row.message_value;
  const text = value?.toString('utf8');
  // A round trip through UTF-8 changes bytes that are not valid UTF-8: then show them as base64.
  const isText = value !== null && text !== undefined && Buffer.from(text, 'utf8').equals(value);
  return {
    ...summary(row, value !== null),
    key: row.message_key,
    value: value === null ? null : isText ? text! : value.toString('base64'),
    valueEncoding: value === null ? null : isText ? 'utf8' : 'base64',
    headers: row.message_headers,
  };
}
