import { testDatabaseUrl, testKafkaBrokers, uniqueName } from '@smi/testing';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';

const repoRoot = path.resolve(__dirname, '..');
const services = ['intake', 'verification', 'publication', 'inventory'];

function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = out.split('\n').filter(Boolean).map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('start-up and shutdown', () => {
  it('a service given an invalid setting exits non-zero with one line naming it', () => {
    const result = spawnSync(process.execPath, ['-r', 'tsconfig-paths/register', 'dist/services/inventory/src/main.js'], {
      cwd: repoRoot,
      env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.runtime.json', INVENTORY_PORT: '70000' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid setting INVENTORY_PORT: must not be greater than 65535 (got 70000)');
  });

  it('a malformed broker list is named too', () => {
    const result = spawnSync(process.execPath, ['-r', 'tsconfig-paths/register', 'dist/services/intake/src/main.js'], {
      cwd: repoRoot,
      env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.runtime.json', KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Invalid setting KAFKA_BROKERS: must be a comma-separated list of host:port/);
  });

  it('npm start brings all four services and the console to ready and Ctrl-C leaves no process behind', async () => {
    const prefix = uniqueName('start');
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      SMI_SKIP_BUILD: '1', // npm test has just compiled; npm start compiles on its own
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      LOG_LEVEL: 'info', // each service's "listening" line names the Node.js it runs on
    };
    const base = 3300 + Math.floor(Math.random() * 400) * 5;
    services.forEach((name, i) => {
      const url = new URL(testDatabaseUrl());
      url.pathname = `/${prefix}_${name}`.toLowerCase();
      env[`${name.toUpperCase()}_DATABASE_URL`] = url.toString();
      env[`${name.toUpperCase()}_PORT`] = String(base + i);
    });
    // The operator console starts too, told the four services' ports.
    env.CONSOLE_PORT = String(base + 4);
    const start = spawn(process.execPath, ['scripts/start.js'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    start.stdout.on('data', (c: Buffer) => (output += c.toString()));
    start.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready in time:\n${output}`)), 150_000);
        const check = setInterval(() => {
          if (output.includes('all services ready')) {
            clearInterval(check);
            clearTimeout(timer);
            resolve();
          }
          if (start.exitCode !== null) {
            clearInterval(check);
            clearTimeout(timer);
            reject(new Error(`npm start exited early:\n${output}`));
          }
        }, 200);
      });
      expect(output).toContain(`[start] Node.js ${process.version} (the services run on it too)`);
      for (const name of services) {
        const listening = output
          .split('\n')
          .filter((line) => line.startsWith('{') && line.includes(`"msg":"${name} listening"`))
          .map((line) => JSON.parse(line) as { msg?: string; node?: string })
          .find((entry) => entry.msg === `${name} listening`);
        expect(listening?.node).toBe(process.version);
      }
      for (let i = 0; i < services.length; i++) {
        const response = await fetch(`http://127.0.0.1:${base + i}/health`);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ service: services[i], status: 'ready' });
      }
      expect(output).toContain(`console       http://127.0.0.1:${base + 4}  (operator console, in the browser)`);
      const consoleHealth = await fetch(`http://127.0.0.1:${base + 4}/health`);
      expect(await consoleHealth.json()).toMatchObject({ service: 'console', status: 'ready' });
      // Through the console, the intake started here answers: it was given the ports above.
      expect((await fetch(`http://127.0.0.1:${base + 4}/api/intake/health`)).status).toBe(200);
      const children = descendants(start.pid!);
      expect(children.length).toBeGreaterThanOrEqual(5);
      const exitCode = await new Promise<number | null>((resolve) => {
        start.once('exit', (code) => resolve(code));
        start.kill('SIGINT');
      });
      expect(exitCode).toBe(0);
      await new Promise((r) => setTimeout(r, 500));
      expect(children.filter(alive)).toEqual([]);
    } finally {
      if (start.exitCode === null) start.kill('SIGKILL');
      const admin = new Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      for (const name of services) await admin.query(`DROP DATABASE IF EXISTS "${`${prefix}_${name}`.toLowerCase()}" WITH (FORCE)`);
      await admin.end();
    }
    // Its own wait for readiness is 150 s: Jest's default 120 s would cut it short on a busy machine.
  }, 180_000);
});
