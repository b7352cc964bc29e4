// The four services, the operator console, and how to run their compiled entry points; shared by start.js, the e2e tests and the benches.
'use strict';

const { createServer } = require('node:net');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');

const SERVICES = [
  { name: 'intake', portSetting: 'INTAKE_PORT', defaultPort: 3001 },
  { name: 'verification', portSetting: 'VERIFICATION_PORT', defaultPort: 3002 },
  {
    name: 'publication',
    portSetting: 'PUBLICATION_PORT',
    defaultPort: 3003,
    // Streams releases of a million rows while it serves search: V8's default young generation on a large machine
    // alone kept the process above 450 MB. Measured (bench/README.md, publication): 155 MB at rest, 223 MB at the
    // peak of a 1M-row XLSX export, and no slower.
    nodeArgs: ['--max-old-space-size=192', '--max-semi-space-size=4'],
  },
  { name: 'inventory', portSetting: 'INVENTORY_PORT', defaultPort: 3004 },
  // The operator console (ADR 0010): the browser app and a host that forwards /api/<service>/… to the four
  // above. No database, so no migrations; it is told the four services' addresses (consoleUpstreamEnv).
  { name: 'console', portSetting: 'CONSOLE_PORT', defaultPort: 3005, database: false, title: 'operator console, in the browser' },
];

/** The console's settings naming each service's address, from a function giving a service's base URL. */
function consoleUpstreamEnv(urlOf) {
  const env = {};
  for (const s of SERVICES) if (s.database !== false) env[`CONSOLE_${s.name.toUpperCase()}_URL`] = urlOf(s.name);
  return env;
}

/** node arguments that build the console's browser app into dist/services/console/app (after tsc). */
function consoleAppBuild() {
  return { command: process.execPath, args: [path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'services/console/app/vite.config.mjs'] };
}

/** node arguments that run a compiled service with the @smi/* aliases resolved inside dist/. */
function serviceCommand(name) {
  const service = SERVICES.find((s) => s.name === name);
  return {
    command: process.execPath,
    args: [...(service?.nodeArgs ?? []), '-r', 'tsconfig-paths/register', path.join(repoRoot, 'dist', 'services', name, 'src', 'main.js')],
    env: { TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.runtime.json') },
  };
}

async function waitForHealth(url, timeoutMs, isAlive) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (isAlive && !isAlive()) throw new Error(`${url}: the process exited before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await response.json();
      if (response.status === 200 && body.status === 'ready') return body;
      last = JSON.stringify(body);
    } catch (error) {
      last = error.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}

/** A port on 127.0.0.1 that nothing listens on now, so that several services (or runs) can start side by side. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

module.exports = { SERVICES, serviceCommand, waitForHealth, freePort, repoRoot, consoleUpstreamEnv, consoleAppBuild };
