import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Runs a read as a named prepared statement on the DataSource's own pool, so that each connection parses and plans
 * it once: PostgreSQL then reuses the plan (a generic one once it costs no more than the first few custom plans).
 * For hot reads whose planning costs more than their execution: a defects search plans in about 0.75 ms and runs in
 * 0.1 ms. The name is the text's hash, so a statement built from a query's filters gets one name per shape.
 * Only for reads outside a transaction: it takes any free connection of the pool.
 */
export async function preparedRead<Row>(dataSource: DataSource, sql: string, params: unknown[]): Promise<Row[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const name = `r${createHash('sha1').update(sql).digest('base64url').slice(0, 20)}`;
  const result = await pool.query({ name, text: sql, values: params });
  return result.rows as Row[];
}
