// What a bench runs against: the real PostgreSQL server and Kafka broker, and the compiled services started as
// their own processes (as `npm start` runs them), measured from the outside through /proc.
import { Kafka, logLevel } from 'kafkajs';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

// Plain JS shared with `npm start` and the e2e tests: how a compiled service is started and awaited.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVICES, serviceCommand, waitForHealth, freePort, repoRoot } = require('../../scripts/services.js') as {
  SERVICES: Array<{ name: string; portSetting: string }>;
  serviceCommand(name: string): { command: string; args: string[]; env: Record<string, string> };
  waitForHealth(url: string, timeoutMs: number, isAlive?: () => boolean): Promise<unknown>;
  freePort(): Promise<number>;
  repoRoot: string;
};

export const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const brokers = (process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
/** Part of every database and topic name a run creates, so that runs never meet and each cleans up only its own. */
export const runId = `${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;

/** The URL of database `name` on the bench's server. */
export function databaseUrlFor(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** One statement on the server's maintenance database, e.g. CREATE or DROP DATABASE. */
export async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** What a run leaves behind: its database and every topic under its prefix. */
export async function dropDatabaseAndTopics(databaseName: string, topicPrefix: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await deleteTopics(topicPrefix);
}

/** Every topic under a run's prefix. */
export async function deleteTopics(topicPrefix: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-cleanup', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${topicPrefix}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** The benches measure the compiled services, so they build them first unless told the build is current. */
export function buildServices(): void {
  process.stderr.write('building the services (tsc -p tsconfig.build.json; --no-build skips)…\n');
  const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
}

/** The environment a service runs with in a bench: its own database and topic prefix, little logging. */
export function serviceEnv(name: string, where: { databaseUrl: string; topicPrefix: string; port: number }, settings: Record<string, string> = {}): NodeJS.ProcessEnv {
  const service = SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`no service named ${name}`);
  return {
    ...process.env,
    ...serviceCommand(name).env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: where.topicPrefix,
    DATABASE_URL: serverUrl,
    [`${name.toUpperCase()}_DATABASE_URL`]: where.databaseUrl,
    [service.portSetting]: String(where.port),
    ...settings,
  };
}

/** Runs the compiled service's migrations (its migrate.js, next to main.js) with `env`, to completion. */
export function migrateService(name: string, env: NodeJS.ProcessEnv): void {
  const { command, args } = serviceCommand(name);
  const migrateJs = args[args.length - 1].replace(/main\.js$/, 'migrate.js');
  const result = spawnSync(command, [...args.slice(0, -1), migrateJs], { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error('migrations failed');
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** The last chunks of its stdout and stderr, to show why it failed. */
  output: string[];
}

/**
 * Starts the compiled service `name` on a free port with the environment `envFor(port)` and waits until its
 * /health answers ready; a service that does not is killed and its last output is in the error. `onSpawn` sees the
 * process as soon as it exists, for a measurement that must include the service's start (its work begins before
 * it answers /health, e.g. projections catching up).
 */
export async function startService(
  name: string,
  envFor: (port: number) => NodeJS.ProcessEnv,
  options: { readyWithinMs: number; outputChunksKept: number; onSpawn?: (child: ChildProcess) => void },
): Promise<ServiceProcess> {
  const port = await freePort();
  const { command, args } = serviceCommand(name);
  const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: envFor(port) });
  options.onSpawn?.(child);
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > options.outputChunksKept) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(`${url}/health`, options.readyWithinMs, () => child.exitCode === null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not become ready: ${(error as Error).message}\n${output.join('')}`);
  }
  return { url, child, output };
}

/** A clean shutdown (SIGTERM), forced with SIGKILL after `killAfterMs`. */
export async function stopService(child: ChildProcess, killAfterMs: number): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}

/** Resident memory of a process from /proc/<pid>/status: now (VmRSS) or its high-water mark (VmHWM); NaN once it has gone. */
export function memoryKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return NaN; // the process has gone; the bench reports it
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : NaN;
}

const CLOCK_TICKS = 100;

/** CPU seconds (user + system, all its threads) a process has used, from /proc/<pid>/stat; 0 once it has gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** The server settings a write-heavy run depends on most, for the header of its figures. */
export const WRITE_SETTINGS = ['shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression', 'wal_buffers', 'synchronous_commit'];

/** One line naming the server's write settings, so that figures say which configuration produced them. */
export async function serverSettingsLine(): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; value: string }>(
      `SELECT name, current_setting(name) AS value FROM unnest($1::text[]) AS s(name)`,
      [WRITE_SETTINGS],
    );
    return `PostgreSQL settings: ${rows.map((r) => `${r.name}=${r.value}`).join(', ')}`;
  } finally {
    await client.end();
  }
}
