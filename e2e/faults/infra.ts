// The fault suite's own infrastructure: a PostgreSQL cluster, a Kafka broker and service processes that it
// starts itself, so that it can kill -9 and restart them without touching anything anyone else is using.
import { CommonSettings, loadConfig } from '@smi/config';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { mintTestToken, TestTokenClaims } from '@smi/testing';

/* eslint-disable @typescript-eslint/no-require-imports */
const { SERVICES, serviceCommand, waitForHealth, freePort, repoRoot } = require('../../scripts/services.js') as {
  SERVICES: Array<{ name: string; portSetting: string }>;
  serviceCommand(name: string): { command: string; args: string[]; env: Record<string, string> };
  waitForHealth(url: string, timeoutMs: number, isAlive?: () => boolean): Promise<unknown>;
  freePort(): Promise<number>;
  repoRoot: string;
};
const broker = require('../../infra/kafka/broker.js') as {
  startBroker(env: NodeJS.ProcessEnv): Promise<{ brokers: string[]; pid: number }>;
  stopBroker(env: NodeJS.ProcessEnv): Promise<boolean>;
  settings(env: NodeJS.ProcessEnv): { version: string };
};
/* eslint-enable @typescript-eslint/no-require-imports */

export type ServiceName = 'intake' | 'verification' | 'publication' | 'inventory';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function log(message: string): void {
  process.stdout.write(`[faults] ${message}\n`);
}

/** Polls `probe` until it returns something other than undefined/false; throws with `what` after the timeout. */
export async function waitUntil<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** A temporary directory the `postgres` OS user owns when we run as root (initdb refuses root). */
function ownedTempDir(prefix: string, asPostgres: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (asPostgres) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
  return dir;
}

function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql; set PG_BIN');
  return join('/usr/lib/postgresql', versions[0], 'bin');
}

/** A throw-away PostgreSQL cluster on a free port, trust auth, data in a temp dir. */
export class OwnPostgres {
  private readonly asPostgres = process.getuid?.() === 0;
  private readonly bin = postgresBinDir();
  readonly dir = ownedTempDir('smi-faults-pg-', this.asPostgres);
  private port = 0;

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(tool: string, args: string[]): void {
    const [command, all] = this.asPostgres ? ['runuser', ['-u', 'postgres', '--', join(this.bin, tool), ...args]] : [join(this.bin, tool), args];
    const result = spawnSync(command, all, { encoding: 'utf8', cwd: this.dir });
    if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  }

  async start(): Promise<void> {
    this.port = await freePort();
    this.run('initdb', ['-D', join(this.dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'server.log'), '-w', '-o', this.options(), 'start']);
    log(`PostgreSQL started on port ${this.port} in ${this.dir}`);
  }

  private options(): string {
    return `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c max_prepared_transactions=20`;
  }

  /** `pg_ctl restart -m immediate`: every connection is cut and the server recovers from its WAL. */
  restart(mode: 'fast' | 'immediate' = 'immediate'): void {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'server.log'), '-w', '-m', mode, '-o', this.options(), 'restart']);
  }

  async query<T = Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const url = new URL(this.url);
    url.pathname = `/${database}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  stop(): void {
    try {
      this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-w', '-m', 'immediate', 'stop']);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** A Kafka broker of our own (infra/kafka/broker.js on free ports and a temp data dir), reusing cached jars. */
export class OwnKafka {
  private readonly home = mkdtempSync(join(tmpdir(), 'smi-faults-kafka-'));
  private env: NodeJS.ProcessEnv = {};
  pid = 0;
  brokers: string[] = [];

  async start(): Promise<void> {
    if (!this.env.KAFKA_PORT) {
      this.env = { ...process.env, KAFKA_HOME: this.home, KAFKA_PORT: String(await freePort()), KAFKA_CONTROLLER_PORT: String(await freePort()), KAFKA_HEAP: '384m' };
      this.env.KAFKA_DATA_DIR = join(this.home, 'data');
      // The jars are fetched once per machine: link the project's cache (or $KAFKA_HOME's) instead of fetching again.
      const libs = `libs-${broker.settings(this.env).version}`;
      const cached = join(process.env.KAFKA_HOME ?? join(repoRoot, '.cache', 'kafka'), libs);
      if (existsSync(join(cached, '.complete'))) symlinkSync(cached, join(this.home, libs));
    }
    const started = await broker.startBroker(this.env);
    this.pid = started.pid;
    this.brokers = started.brokers;
    log(`Kafka broker started on ${this.brokers.join(',')} (pid ${this.pid})`);
  }

  kill(): void {
    process.kill(this.pid, 'SIGKILL');
    log(`Kafka broker killed (-9, pid ${this.pid})`);
  }

  async waitDead(): Promise<void> {
    await waitUntil(async () => !isAlive(this.pid), 10_000, 'the broker to die');
  }

  client(): Kafka {
    return new Kafka({ clientId: 'faults', brokers: this.brokers, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 200 } });
  }

  async stop(): Promise<void> {
    try {
      await broker.stopBroker(this.env);
    } finally {
      rmSync(this.home, { recursive: true, force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One compiled service process, pointed at our own cluster and broker; killed and restarted at will. */
export class ServiceProcess {
  private child?: ChildProcess;
  private readonly output: string[] = [];
  url = '';

  constructor(
    readonly name: ServiceName,
    private readonly where: { postgres: OwnPostgres; kafka: OwnKafka; topicPrefix: string; database: string },
    private readonly settings: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    const port = await freePort();
    const spec = SERVICES.find((s) => s.name === this.name)!;
    const database = new URL(this.where.postgres.url);
    database.pathname = `/${this.where.database}`;
    const { command, args, env } = serviceCommand(this.name);
    const child = spawn(command, args, {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        KAFKA_BROKERS: this.where.kafka.brokers.join(','),
        KAFKA_TOPIC_PREFIX: this.where.topicPrefix,
        DATABASE_URL: this.where.postgres.url,
        [`${this.name.toUpperCase()}_DATABASE_URL`]: database.toString(),
        [spec.portSetting]: String(port),
        ...this.settings,
      },
    });
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 400) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    this.url = `http://127.0.0.1:${port}`;
    try {
      await waitForHealth(`${this.url}/health`, 90_000, () => child.exitCode === null && child.signalCode === null);
    } catch (error) {
      throw new Error(`${this.name} did not become ready: ${(error as Error).message}\n${this.logs()}`);
    }
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    log(`${this.name} killed (-9, pid ${child.pid})`);
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  }

  logs(): string {
    return this.output.join('');
  }
}

/** Everything one scenario runs against: its own databases and topic prefix on the shared fault infrastructure. */
export class FaultSystem {
  readonly services: ServiceProcess[] = [];
  private producer?: Producer;
  private readonly settings = loadConfig(CommonSettings, {});

  constructor(
    readonly postgres: OwnPostgres,
    readonly kafka: OwnKafka,
    readonly prefix: string,
  ) {}

  database(service: ServiceName): string {
    return `${this.prefix}_${service}`.replace(/[^a-z0-9_]/g, '_');
  }

  topic(base: string): string {
    return `${this.prefix}.${base}`;
  }

  /** Starts a service on this scenario's database and topics; a second call for one name starts another replica. */
  async start(name: ServiceName, settings: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = new ServiceProcess(name, { postgres: this.postgres, kafka: this.kafka, topicPrefix: this.prefix, database: this.database(name) }, settings);
    await service.start();
    this.services.push(service);
    return service;
  }

  token(claims: TestTokenClaims): Promise<string> {
    return mintTestToken(this.settings, claims);
  }

  query<T = Record<string, unknown>>(service: ServiceName, sql: string, params: unknown[] = []): Promise<T[]> {
    return this.postgres.query<T>(this.database(service), sql, params);
  }

  /** Produces, retrying through a broker outage until `timeoutMs`: a failed send may still have been written (a duplicate). */
  async produce(topic: string, messages: Array<{ key: string | null; value: string; headers?: Record<string, string> }>, timeoutMs = 120_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      try {
        this.producer ??= this.kafka.client().producer({ allowAutoTopicCreation: false });
        await this.producer.connect();
        await this.producer.send({ topic, messages });
        return attempts;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
        await sleep(500);
      }
    }
  }

  /** Reads `topic` from the beginning to its current end (again until `until` holds, if given). */
  async readTopic(topic: string, until: (messages: TopicMessage[]) => boolean = () => true, timeoutMs = 120_000): Promise<TopicMessage[]> {
    const kafka = this.kafka.client();
    const admin = kafka.admin();
    const consumer = kafka.consumer({ groupId: `faults-reader-${Date.now()}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 200 });
    const messages: TopicMessage[] = [];
    const next = new Map<number, bigint>();
    try {
      await admin.connect();
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          messages.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
          next.set(partition, BigInt(message.offset) + 1n);
        },
      });
      await waitUntil(
        async () => {
          const ends = await admin.fetchTopicOffsets(topic);
          const atEnd = ends.every((p) => BigInt(p.high) <= BigInt(p.low) || (next.get(p.partition) ?? 0n) >= BigInt(p.high));
          return atEnd && until(messages);
        },
        timeoutMs,
        `${topic} to be read to its end`,
      ).catch(async (error: Error) => {
        const ends = await admin.fetchTopicOffsets(topic).catch(() => []);
        const where = ends.map((p) => `p${p.partition} ${p.low}..${p.high} read to ${next.get(p.partition) ?? 'nothing'}`).join(', ');
        log(`${error.message} (read ${messages.length}; ${where})`);
      });
      return messages;
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    await Promise.all(this.services.map((s) => s.stop()));
  }
}

export interface TopicMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** fetch with a bearer token and a JSON body; network errors (a killed service) come back as status 0. */
export async function call(method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  try {
    const response = await fetch(url, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    try {
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    } catch {
      return { status: response.status, body: text };
    }
  } catch (error) {
    return { status: 0, body: (error as Error).message };
  }
}

