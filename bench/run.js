#!/usr/bin/env node
// Runs one benchmark: `npm run bench -- <name> [options]` runs bench/<name>.bench.ts from TypeScript source,
// resolving the @smi/* aliases the same way the tests do. Benchmarks are run on demand, never in CI.
'use strict';

require('../scripts/require-supported-node');

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const available = fs
  .readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length));

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [options]\navailable: ${available.join(', ') || '(none)'}`);
  process.exit(name ? 1 : 0);
}

// @swc-node/register compiles TypeScript on load and rewrites the tsconfig `paths` aliases, so the benchmark
// needs neither a build nor tsconfig-paths.
const result = spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, `${name}.bench.ts`), ...args], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.json'), KAFKAJS_NO_PARTITIONER_WARNING: '1' },
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
