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
