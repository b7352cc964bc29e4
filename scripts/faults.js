#!/usr/bin/env node
// `npm run faults [-- --scale N] [--only a,b] [--record] [--no-build]`: the fault suite (e2e/faults/run.ts). It
// starts its own PostgreSQL cluster, Kafka broker and service processes, so it never disturbs anything else.
'use strict';

require('./require-supported-node');

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const args = process.argv.slice(2);

// The scenarios start the compiled services (as `npm start` does), so they are built first.
if (!args.includes('--no-build')) {
  process.stderr.write('building the services (tsc -p tsconfig.build.json; --no-build skips)…\n');
  const build = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const result = spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(repoRoot, 'e2e', 'faults', 'run.ts'), ...args], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.json'), KAFKAJS_NO_PARTITIONER_WARNING: '1' },
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
