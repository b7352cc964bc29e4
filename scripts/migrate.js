#!/usr/bin/env node
// `npm run db:migrate`: create each service's database and run its migrations without starting it.
// Services also do this at start-up; this is for deployments that migrate as a separate step.
'use strict';

require('./require-supported-node');

const { spawnSync } = require('node:child_process');
const { SERVICES, serviceCommand, repoRoot } = require('./services');

for (const service of SERVICES) {
  if (service.database === false) continue;
  const { command, args, env } = serviceCommand(service.name);
  const migrateEntry = args[args.length - 1].replace(/main\.js$/, 'migrate.js');
  const result = spawnSync(command, [...args.slice(0, -1), migrateEntry], { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
