import { mintTestToken, TestTokenClaims, testDatabaseUrl, testKafkaBrokers, uniqueName } from '@smi/testing';
import { CommonSettings, loadConfig } from '@smi/config';
import { ChildProcess, spawn } from 'node:child_process';
import { Client } from 'pg';

// Plain JS shared with `npm start`, so e2e runs the services exactly as users do.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVICES, serviceCommand, waitForHealth, freePort, repoRoot, consoleUpstreamEnv } = require('../../scripts/services.js') as {
  SERVICES: Array<{ name: string; portSetting: string }>;
  consoleUpstreamEnv(urlOf: (name: ServiceName) => string): Record<string, string>;
  serviceCommand(name: string): { command: string; args: string[]; env: Record<string, string> };
  waitForHealth(url: string, timeoutMs: number, isAlive?: () => boolean): Promise<unknown>;
  freePort(): Promise<number>;
  repoRoot: string;
};

export type ServiceName = 'intake' | 'verification' | 'publication' | 'inventory';
/** The operator console's host: no database, forwards to the services started here. */
export type ProcessName = ServiceName | 'console';

/** Where the console sends a service this system did not start: a port nothing listens on. */
const NOWHERE = 'http://127.0.0.1:9';

interface RunningService {
  name: ProcessName;
  url: string;
  process: ChildProcess;
  databaseName: string | null;
  output: string[];
}

/**
 * The real system for a test file: compiled services as separate processes, each with its own fresh
 * database, all sharing the real broker under a topic prefix no other run uses.
 */
export class TestSystem {
  private readonly services = new Map<ProcessName, RunningService>();
  readonly topicPrefix = uniqueName('e2e');
  private readonly settings = loadConfig(CommonSettings, {});

  async start(names: ServiceName[], extraEnv: Record<string, string> = {}): Promise<void> {
    await Promise.all(names.map((name) => this.startOne(name, extraEnv)));
  }

  /**
   * The operator console, forwarding to the services started so far (any other to a port nothing listens on,
   * so the console meets an unreachable service as it would in production).
   */
  async startConsole(extraEnv: Record<string, string> = {}): Promise<void> {
    const upstreams = consoleUpstreamEnv((name) => this.services.get(name)?.url ?? NOWHERE);
    await this.launch('console', null, { ...upstreams, ...extraEnv });
  }

  private async startOne(name: ServiceName, extraEnv: Record<string, string>): Promise<void> {
    const databaseName = `${this.topicPrefix}_${name}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const databaseUrl = new URL(testDatabaseUrl());
    databaseUrl.pathname = `/${databaseName}`;
    await this.launch(name, databaseName, { [`${name.toUpperCase()}_DATABASE_URL`]: databaseUrl.toString(), ...extraEnv });
  }

  private async launch(name: ProcessName, databaseName: string | null, extraEnv: Record<string, string>): Promise<void> {
    const port = await freePort();
    const spec = SERVICES.find((s) => s.name === name)!;
    const { command, args, env } = serviceCommand(name);
    const child = spawn(command, args, {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...env,
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: this.topicPrefix,
        DATABASE_URL: testDatabaseUrl(),
        [spec.portSetting]: String(port),
        ...extraEnv,
      },
    });
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const running: RunningService = { name, url: `http://127.0.0.1:${port}`, process: child, databaseName, output };
    this.services.set(name, running);
    try {
      await waitForHealth(`${running.url}/health`, 90_000, () => child.exitCode === null);
    } catch (error) {
      throw new Error(`${name} did not become ready: ${(error as Error).message}\n${output.join('')}`);
    }
  }

  url(name: ProcessName): string {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} was not started`);
    return service.url;
  }

  /** The connection string of a service's own database, for tests that count what it recorded. */
  databaseUrl(name: ServiceName): string {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} was not started`);
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${service.databaseName}`;
    return url.toString();
  }

  logs(name: ProcessName): string {
    return this.services.get(name)?.output.join('') ?? '';
  }

  token(claims: TestTokenClaims): Promise<string> {
    return mintTestToken(this.settings, claims);
  }

  /** Stops every service with SIGTERM (a clean shutdown is part of what is tested) and drops their databases. */
  async stop(): Promise<void> {
    const stopping = [...this.services.values()].map(
      (service) =>
        new Promise<void>((resolve) => {
          if (service.process.exitCode !== null) return resolve();
          const timer = setTimeout(() => service.process.kill('SIGKILL'), 20_000);
          service.process.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          service.process.kill('SIGTERM');
        }),
    );
    await Promise.all(stopping);
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      for (const service of this.services.values()) if (service.databaseName !== null) await admin.query(`DROP DATABASE IF EXISTS "${service.databaseName}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    this.services.clear();
  }
}

/** fetch with a bearer token and JSON body; returns status and parsed body. */
export async function call(method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
