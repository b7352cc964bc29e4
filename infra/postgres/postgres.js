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
    const { rows } = await client.query('SHOW server_version');
    return { url: redact(url), version: rows[0].server_version };
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${redact(url)}: ${error.message}. Start it, or point DATABASE_URL at one.`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

module.exports = { checkPostgres, DEFAULT_DATABASE_URL };
