import { RecordedEvent } from '@smi/event-store';
import { EntityManager } from 'typeorm';

/*
 * What the projections share to read and write their rows and the events they need beside their own batch.
 * Rows go to PostgreSQL as one JSON document per batch (json_populate_recordset over the table's own row type),
 * so a batch of thousands of events costs one statement per table rather than one per event.
 */

export function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** Inserts the rows, or replaces every column of those whose key is there already. */
export async function upsertRows(manager: EntityManager, table: string, key: string, columns: readonly string[], rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const list = columns.map(quoteIdent).join(', ');
  const updates = columns.filter((c) => c !== key).map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ');
  await manager.query(
    `INSERT INTO ${quoteIdent(table)} (${list})
     SELECT ${list} FROM json_populate_recordset(NULL::${quoteIdent(table)}, $1::json)
     ON CONFLICT (${quoteIdent(key)}) DO UPDATE SET ${updates}`,
    [JSON.stringify(rows)],
  );
}

/** A read model of one row per entity, each row folded from its entity's events. */
export interface FoldedRows<Row extends object> {
  /** The key column: the entity's id. */
  key: keyof Row & string;
  /** The columns written, every one of the table's but generated ones. */
  columns: ReadonlyArray<keyof Row & string>;
  /** The entity an event is about. */
  keyOf(event: RecordedEvent): string;
  /** The rows stored for these entities, as `evolve` takes them. */
  read(manager: EntityManager, table: string, keys: string[]): Promise<Row[]>;
  /** The row after one more event of its entity (none yet: undefined); undefined when the event changes nothing. */
  evolve(row: Row | undefined, event: RecordedEvent): Row | undefined;
  /** True for an event whose row `evolve` makes from the event alone, whatever was stored: its entity need not be read. */
  startsRow?(event: RecordedEvent): boolean;
}

/**
 * Applies a batch to a FoldedRows read model: reads the rows of the entities the batch is about, folds each event
 * in order into its entity's row, and writes back the rows that changed in one statement.
 */
export async function foldIntoRows<Row extends object>(manager: EntityManager, events: readonly RecordedEvent[], table: string, model: FoldedRows<Row>): Promise<void> {
  // An entity whose first event in the batch starts its row from scratch (a case opened) is not read: in a
  // catch-up a third of the batches open cases only.
  const firstEvents = new Map<string, RecordedEvent>();
  for (const event of events) if (!firstEvents.has(model.keyOf(event))) firstEvents.set(model.keyOf(event), event);
  const keys = [...firstEvents].filter(([, first]) => !model.startsRow?.(first)).map(([key]) => key);
  const stored = keys.length === 0 ? [] : await model.read(manager, table, keys);
  const rows = new Map(stored.map((row) => [String(row[model.key]), row]));
  const changed = new Set<string>();
  for (const event of events) {
    const key = model.keyOf(event);
    const next = model.evolve(rows.get(key), event);
    if (next === undefined) continue;
    rows.set(key, next);
    changed.add(key);
  }
  await upsertRows(manager, table, model.key, model.columns, [...changed].map((key) => rows.get(key)!));
}

export async function insertRows(manager: EntityManager, table: string, columns: readonly string[], rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const list = columns.map(quoteIdent).join(', ');
  await manager.query(`INSERT INTO ${quoteIdent(table)} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${quoteIdent(table)}, $1::json)`, [JSON.stringify(rows)]);
}

/**
 * The description of each report case among `streamIds`, from the case's first event in this database: the
 * published item carries the report's fields but not its free text, which full-text search needs.
 */
export async function reportDescriptions(manager: EntityManager, streamIds: readonly string[]): Promise<Map<string, string>> {
  const rows: Array<{ stream_id: string; description: string }> = await manager.query(
    `SELECT stream_id, data->'subject'->>'description' AS description
       FROM events WHERE stream_id = ANY($1::text[]) AND event_type = 'CaseOpened' AND data->'subject'->>'kind' = 'report'`,
    [streamIds],
  );
  return new Map(rows.map((row) => [row.stream_id, row.description]));
}

export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
