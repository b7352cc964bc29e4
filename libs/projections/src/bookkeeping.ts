import { GlobalCheckpoint, START } from '@smi/event-store';
import { quoteIdent, tableGeneration } from './projection';

/** DataSource and EntityManager both qualify; the functions below run inside or outside a transaction. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface ProjectionStateRow {
  activeTable: string;
  activeVersion: number;
  rebuildingTable?: string;
  rebuildingVersion?: number;
  rebuildStartedAt?: Date;
  rebuildTotal?: number;
}

export interface StoredCheckpoint {
  checkpoint: GlobalCheckpoint;
  processed: number;
}

/** Serialises changes to one projection's set of tables (creation, rebuild start, switch, drop). */
export function projectionLockKey(projection: string): string {
  return `projection:${projection}`;
}

/** Held by whoever applies a batch to `table`, so two instances never apply the same batch. */
export function tableLockKey(projection: string, table: string): string {
  return `projection:${projection}:${table}`;
}

export async function tryTransactionLock(manager: Queryable, key: string): Promise<boolean> {
  const rows = (await manager.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked`, [key])) as Array<{ locked: boolean }>;
  return rows[0].locked;
}

export async function transactionLock(manager: Queryable, key: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
}

export async function loadState(manager: Queryable, projection: string): Promise<ProjectionStateRow | undefined> {
  const rows = (await manager.query(
    `SELECT active_table, active_version, rebuilding_table, rebuilding_version, rebuild_started_at, rebuild_total::text AS rebuild_total
     FROM projection_state WHERE projection = $1`,
    [projection],
  )) as Array<{
    active_table: string;
    active_version: number;
    rebuilding_table: string | null;
    rebuilding_version: number | null;
    rebuild_started_at: Date | null;
    rebuild_total: string | null;
  }>;
  const row = rows[0];
  if (!row) return undefined;
  return {
    activeTable: row.active_table,
    activeVersion: row.active_version,
    rebuildingTable: row.rebuilding_table ?? undefined,
    rebuildingVersion: row.rebuilding_version ?? undefined,
    rebuildStartedAt: row.rebuild_started_at ?? undefined,
    rebuildTotal: row.rebuild_total === null ? undefined : Number(row.rebuild_total),
  };
}

export async function insertState(manager: Queryable, projection: string, table: string, version: number): Promise<void> {
  await manager.query(`INSERT INTO projection_state (projection, active_table, active_version) VALUES ($1, $2, $3)`, [projection, table, version]);
}

export async function markRebuilding(manager: Queryable, projection: string, table: string, version: number, total: number): Promise<void> {
  await manager.query(
    `UPDATE projection_state SET rebuilding_table = $2, rebuilding_version = $3, rebuild_started_at = now(), rebuild_total = $4
     WHERE projection = $1`,
    [projection, table, version, total],
  );
}

export async function clearRebuilding(manager: Queryable, projection: string): Promise<void> {
  await manager.query(
    `UPDATE projection_state SET rebuilding_table = NULL, rebuilding_version = NULL, rebuild_started_at = NULL, rebuild_total = NULL
     WHERE projection = $1`,
    [projection],
  );
}

export async function markSwitched(manager: Queryable, projection: string, table: string, version: number): Promise<void> {
  await manager.query(
    `UPDATE projection_state SET active_table = $2, active_version = $3,
       rebuilding_table = NULL, rebuilding_version = NULL, rebuild_started_at = NULL, rebuild_total = NULL
     WHERE projection = $1`,
    [projection, table, version],
  );
}

export async function insertCheckpoint(manager: Queryable, projection: string, table: string): Promise<void> {
  await manager.query(
    `INSERT INTO projection_checkpoints (projection, table_name, transaction_id, position, processed, updated_at)
     VALUES ($1, $2, $3::xid8, $4::bigint, 0, now())`,
    [projection, table, START.transactionId, START.position],
  );
}

export async function loadCheckpoint(manager: Queryable, projection: string, table: string): Promise<StoredCheckpoint> {
  const rows = (await manager.query(
    `SELECT transaction_id::text AS transaction_id, position::text AS position, processed::text AS processed
     FROM projection_checkpoints WHERE projection = $1 AND table_name = $2`,
    [projection, table],
  )) as Array<{ transaction_id: string; position: string; processed: string }>;
  const row = rows[0];
  if (!row) throw new Error(`projection ${projection} has no checkpoint for table ${table}`);
  return { checkpoint: { transactionId: row.transaction_id, position: row.position }, processed: Number(row.processed) };
}

/**
 * Compare-and-set: moves the checkpoint only from where this batch read. The advisory lock already keeps
 * a second instance out; this makes any slip in that reasoning a rolled-back batch instead of a double apply.
 */
export async function advanceCheckpoint(
  manager: Queryable,
  projection: string,
  table: string,
  from: GlobalCheckpoint,
  to: GlobalCheckpoint,
  applied: number,
): Promise<void> {
  const rows = (await manager.query(
    `WITH moved AS (
       UPDATE projection_checkpoints
       SET transaction_id = $5::xid8, position = $6::bigint, processed = processed + $7, updated_at = now()
       WHERE projection = $1 AND table_name = $2 AND transaction_id = $3::xid8 AND position = $4::bigint
       RETURNING 1
     )
     SELECT count(*)::int AS moved FROM moved`,
    [projection, table, from.transactionId, from.position, to.transactionId, to.position, applied],
  )) as Array<{ moved: number }>;
  if (rows[0].moved !== 1) {
    throw new Error(`checkpoint of ${projection}/${table} moved while a batch was applied; the batch is rolled back`);
  }
}

export async function deleteCheckpoint(manager: Queryable, projection: string, table: string): Promise<void> {
  await manager.query(`DELETE FROM projection_checkpoints WHERE projection = $1 AND table_name = $2`, [projection, table]);
}

/** Tables this projection left behind (a crash between switch and drop, an abandoned rebuild). */
export async function orphanTables(manager: Queryable, projection: string, state: ProjectionStateRow): Promise<string[]> {
  const rows = (await manager.query(`SELECT table_name FROM projection_checkpoints WHERE projection = $1`, [projection])) as Array<{ table_name: string }>;
  return rows.map((r) => r.table_name).filter((t) => t !== state.activeTable && t !== state.rebuildingTable);
}

/** Every relation in the current schema named like one of the projection's tables, to pick an unused generation. */
export async function existingTables(manager: Queryable, projection: string): Promise<string[]> {
  const rows = (await manager.query(
    `SELECT relname::text AS name FROM pg_class
     WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND starts_with(relname::text, $1)`,
    [`${projection}_v`],
  )) as Array<{ name: string }>;
  return rows.map((r) => r.name).filter((name) => tableGeneration(projection, name) !== undefined);
}

export async function dropTable(manager: Queryable, table: string): Promise<void> {
  await manager.query(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
}

/** Events of the given types after `after`: a rebuild's total and a read model's lag. */
export async function countEvents(manager: Queryable, after: GlobalCheckpoint, eventTypes: string[] | undefined): Promise<number> {
  const rows = (await manager.query(
    `SELECT count(*)::text AS count FROM events
     WHERE (transaction_id, position) > ($1::xid8, $2::bigint) AND ($3::text[] IS NULL OR event_type = ANY($3::text[]))`,
    [after.transactionId, after.position, eventTypes ?? null],
  )) as Array<{ count: string }>;
  return Number(rows[0].count);
}

interface RelationShape {
  kind: string;
  columns: string[];
}

async function relationShape(manager: Queryable, relation: string): Promise<RelationShape | undefined> {
  const rows = (await manager.query(
    `SELECT c.relkind::text AS kind, a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type
     FROM pg_class c
     LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.oid = to_regclass($1::text)
     ORDER BY a.attnum`,
    [quoteIdent(relation)],
  )) as Array<{ kind: string; name: string | null; type: string | null }>;
  if (rows.length === 0) return undefined;
  return { kind: rows[0].kind, columns: rows.filter((r) => r.name !== null).map((r) => `${r.name} ${r.type}`) };
}

/**
 * Points the stable view at `table`. CREATE OR REPLACE VIEW only accepts the same columns (more may be
 * appended); when a new version changed them, the view is dropped and created again. Both happen in the
 * caller's transaction: DDL is transactional, so a reader waits on the view's lock for the moment of the
 * switch and then resolves the name again, finding the new view; it never sees the name missing.
 */
export async function pointView(manager: Queryable, view: string, table: string): Promise<'created' | 'replaced' | 'recreated'> {
  const current = await relationShape(manager, view);
  const target = await relationShape(manager, table);
  if (!target) throw new Error(`cannot point view ${view} at ${table}: the table does not exist`);
  const create = `VIEW ${quoteIdent(view)} AS SELECT * FROM ${quoteIdent(table)}`;
  if (!current) {
    await manager.query(`CREATE ${create}`);
    return 'created';
  }
  if (current.kind !== 'v') throw new Error(`${view} exists and is not a view; a projection's name must be free for its view`);
  const compatible = current.columns.length <= target.columns.length && current.columns.every((c, i) => target.columns[i] === c);
  if (compatible) {
    await manager.query(`CREATE OR REPLACE ${create}`);
    return 'replaced';
  }
  await manager.query(`DROP VIEW ${quoteIdent(view)}`);
  await manager.query(`CREATE ${create}`);
  return 'recreated';
}
