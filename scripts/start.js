#!/usr/bin/env node
// `npm start`: Kafka, the databases, all four services and the operator console, in the foreground. Ctrl-C stops everything
// this command started, and leaves alone a broker that was already running.
'use strict';

require('./require-supported-node');

const { spawn, spawnSync } = require('node:child_process');
const { startBroker, stopBroker } = require('../infra/kafka/broker');
const { checkPostgres } = require('../infra/postgres/postgres');
const { SERVICES, serviceCommand, waitForHealth, repoRoot, consoleUpstreamEnv, consoleAppBuild } = require('./services');

const children = new Map();
let broker;
let stopping = false;

function say(message) {
  process.stderr.write(`[start] ${message}\n`);
}

async function main() {
  say(`Node.js ${process.version} (the services run on it too)`);
  const pg = await checkPostgres();
  say(`PostgreSQL ${pg.version} at ${pg.url}`);
  broker = await startBroker();
  say(broker.startedHere ? `Kafka started in ${broker.startMs} ms` : `Kafka already running on ${broker.brokers.join(',')}`);

  if (process.env.SMI_SKIP_BUILD !== '1') {
    say('compiling (tsc -p tsconfig.build.json)');
    const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('compilation failed');
    say('building the operator console (vite build)');
    const app = consoleAppBuild();
    const appBuild = spawnSync(app.command, app.args, { cwd: repoRoot, stdio: 'inherit' });
    if (appBuild.status !== 0) throw new Error('the console app did not build');
  }

  const host = process.env.HTTP_HOST && process.env.HTTP_HOST !== '0.0.0.0' ? process.env.HTTP_HOST : '127.0.0.1';
  const urlOf = (name) => {
    const s = SERVICES.find((candidate) => candidate.name === name);
    return `http://${host}:${process.env[s.portSetting] || s.defaultPort}`;
  };
  const env = { ...process.env, KAFKA_BROKERS: process.env.KAFKA_BROKERS || broker.brokers.join(','), ...consoleUpstreamEnv(urlOf) };
  for (const service of SERVICES) {
    const { command, args, env: extra } = serviceCommand(service.name);
    const child = spawn(command, args, { cwd: repoRoot, env: { ...env, ...extra }, stdio: ['ignore', 'inherit', 'inherit'] });
    children.set(service.name, child);
    child.on('exit', (code, signal) => {
      children.delete(service.name);
      if (!stopping) {
        say(`${service.name} exited (${signal ?? code}); stopping everything`);
        shutdown(1);
      }
    });
  }

  await Promise.all(
    SERVICES.map((s) => {
      const port = process.env[s.portSetting] || s.defaultPort;
      return waitForHealth(`http://${host}:${port}/health`, 120_000, () => children.has(s.name));
    }),
  );
  say('all services ready:');
  for (const s of SERVICES) {
    const port = process.env[s.portSetting] || s.defaultPort;
    say(`  ${s.name.padEnd(13)} http://${host}:${port}  (${s.title ?? `OpenAPI: http://${host}:${port}/docs`})`);
  }
  say('Ctrl-C stops everything');
}

async function shutdown(exitCode) {
  if (stopping) return;
  stopping = true;
  say('stopping services');
  const exits = [...children.values()].map(
    (child) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  );
  await Promise.all(exits);
  if (broker?.startedHere) await stopBroker();
  process.exit(exitCode);
}

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

main().catch((error) => {
  say(error.message);
  shutdown(1);
});
