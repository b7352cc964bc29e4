// PostgreSQL is expected to be running already (the machine starts it; in production it is managed).
// The infrastructure scripts only check that it answers; each service creates its own database and
// runs its own migrations at start-up.
'use strict';

const { Client } = require('pg');

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function checkPostgres(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query(
      `SELECT current_setting('server_version') AS version,
              pg_size_bytes(current_setting('shared_buffers')) AS shared_buffers,
              pg_size_bytes(current_setting('max_wal_size')) AS max_wal_size`,
    );
    const { version, shared_buffers: sharedBuffers, max_wal_size: maxWalSize } = rows[0];
    return { url: redact(url), version, advice: writeSettingsAdvice(Number(sharedBuffers), Number(maxWalSize)) };
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${redact(url)}: ${error.message}. Start it, or point DATABASE_URL at one.`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The defaults (128 MB of shared buffers, 1 GB of WAL between checkpoints) work, but under the services' write
 * load PostgreSQL spends much of its CPU writing out evicted pages and whole-page WAL images (bench/README.md):
 * say so where an operator starts the system.
 */
function writeSettingsAdvice(sharedBuffers, maxWalSize) {
  const GiB = 1024 ** 3;
  if (sharedBuffers >= GiB && maxWalSize >= 4 * GiB) return undefined;
  return `PostgreSQL runs with shared_buffers ${Math.round(sharedBuffers / 2 ** 20)} MB and max_wal_size ${Math.round(maxWalSize / 2 ** 20)} MB: ` +
    'fine for trying the system, slow under load; infra/postgres/write-heavy.conf has the settings the benchmarks use.';
}

function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

module.exports = { checkPostgres, writeSettingsAdvice, DEFAULT_DATABASE_URL };
