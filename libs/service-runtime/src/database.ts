import { Client } from 'pg';

const DUPLICATE_DATABASE = '42P04';

/**
 * Creates the service's own database when it does not exist yet, so a fresh PostgreSQL server needs
 * no manual step. Connects to the `postgres` maintenance database on the same server.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const baseUrl = url.toString();
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error(`database name ${database} must be lower-case letters, digits and underscores`);
  const client = new Client({ connectionString: baseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${database}"`);
      return true;
    } catch (error) {
      // Two instances starting together race to create it; the loser is fine.
      if ((error as { code?: string }).code === DUPLICATE_DATABASE) return false;
      throw error;
    }
  } finally {
    await client.end();
  }
}
