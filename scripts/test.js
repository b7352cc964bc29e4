#!/usr/bin/env node
// `npm test`: every check CI runs, in the order that fails fastest: types, lint and import rules,
// then compile (the e2e tests start the compiled services), then every Jest project (unit,
// integration, e2e) against the real broker and database that Jest's globalSetup provides.
'use strict';

require('./require-supported-node');

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
// Paths into node_modules rather than require.resolve: some packages' `exports` hide their bin files.
const bin = (pkg, file) => path.join(repoRoot, 'node_modules', pkg, file);

function run(label, args) {
  process.stderr.write(`\n[test] ${label}\n`);
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    process.stderr.write(`[test] ${label} failed\n`);
    process.exit(result.status ?? 1);
  }
}

run('type-check', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
run('type-check the console app', [bin('typescript', 'bin/tsc'), '-p', 'services/console/app/tsconfig.json']);
run('lint', [bin('eslint', 'bin/eslint.js'), '.']);
run('import rules', [bin('dependency-cruiser', 'bin/dependency-cruise.mjs'), 'services', 'libs', 'contracts', 'e2e', 'bench', '--config', '.dependency-cruiser.cjs']);
run('compile', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.build.json']);
run('build the console app', [bin('vite', 'bin/vite.js'), 'build', '--config', 'services/console/app/vite.config.mjs']);

const report = path.join(os.tmpdir(), `smi-jest-${process.pid}.json`);
const jestArgs = [bin('jest', 'bin/jest.js'), '--json', `--outputFile=${report}`, ...process.argv.slice(2)];
if (process.env.CI) jestArgs.push('--ci');
process.stderr.write('\n[test] jest: unit, integration, e2e\n');
const jest = spawnSync(process.execPath, jestArgs, { cwd: repoRoot, stdio: 'inherit', env: process.env });
try {
  const summary = JSON.parse(fs.readFileSync(report, 'utf8'));
  fs.rmSync(report, { force: true });
  // The plain closing line CI reads, whatever the runner.
  console.log(`${summary.numPassedTests} passed, ${summary.numFailedTests} failed`);
} catch {
  console.log('0 passed, 1 failed');
}
process.exit(jest.status ?? 1);
