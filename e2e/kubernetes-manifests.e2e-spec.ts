import { CommonSettings, loadConfig } from '@smi/config';
import { mintTestToken, testDatabaseUrl, testKafkaBrokers, uniqueName } from '@smi/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { K8sObject, readYamlDocuments, renderKustomization } from '../infra/k8s/kustomize-subset';

// Plain JS shared with `npm start`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForHealth, freePort, repoRoot } = require('../scripts/services.js') as {
  waitForHealth(url: string, timeoutMs: number, isAlive?: () => boolean): Promise<unknown>;
  freePort(): Promise<number>;
  repoRoot: string;
};

/**
 * The production overlay's pods, as far as one machine can run them: each compiled service started with the
 * container's args and ONLY the environment its ConfigMaps and Secret give it (no inherited variables, no defaults
 * from a developer's shell), except the addresses that differ here: the broker, the database server, the port. So the
 * settings the manifests set are ones the services accept, the args start them, the probes' paths answer, and
 * production's settings refuse a locally signed token.
 */

const BACKEND = ['intake', 'verification', 'publication', 'inventory'] as const;
const objects = renderKustomization(join(repoRoot, 'infra/k8s/overlays/production')).map((r) => r.object);
const templateSecrets = readYamlDocuments(join(repoRoot, 'infra/k8s/secrets.example.yaml'));

type Obj = Record<string, unknown>;
const container = (name: string) => {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!;
  return (((deployment.spec as Obj).template as Obj).spec as { containers: Obj[] }).containers[0];
};

function podEnvironment(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container(name).envFrom as Obj[]) {
    const ref = ((source.configMapRef ?? source.secretRef) as { name: string }).name;
    const pool: K8sObject[] = source.configMapRef ? objects.filter((o) => o.kind === 'ConfigMap') : [...objects.filter((o) => o.kind === 'Secret'), ...templateSecrets];
    const object = pool.find((o) => o.metadata.name === ref);
    if (!object) throw new Error(`${name}: ${ref} is not rendered`);
    Object.assign(env, object.data ?? {}, object.stringData ?? {});
  }
  return env;
}

const probePath = (name: string, probe: string) => ((container(name)[probe] as Obj).httpGet as { path: string }).path;

describe('infra/k8s production overlay: the services start with what the manifests give them', () => {
  const prefix = uniqueName('k8s');
  const started: Array<{ name: string; child: ChildProcess; url: string; database: string; output: string[] }> = [];

  beforeAll(async () => {
    await Promise.all(
      BACKEND.map(async (name) => {
        const port = await freePort();
        const database = `${prefix}_${name}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
        const databaseUrl = new URL(testDatabaseUrl());
        databaseUrl.pathname = `/${database}`;
        const manifest = podEnvironment(name);
        const env: Record<string, string> = {
          ...manifest,
          // What differs between the cluster and this machine; everything else is the manifests' own.
          KAFKA_BROKERS: testKafkaBrokers().join(','),
          KAFKA_TOPIC_PREFIX: prefix,
          [`${name.toUpperCase()}_DATABASE_URL`]: databaseUrl.toString(),
          [`${name.toUpperCase()}_PORT`]: String(port),
          LOG_LEVEL: 'warn',
          // The image's ENV (Dockerfile).
          TS_NODE_PROJECT: join(repoRoot, 'tsconfig.runtime.json'),
        };
        const args = (container(name).args as string[]).map((arg) => (arg.startsWith('dist/') ? join(repoRoot, arg) : arg));
        const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
        const output: string[] = [];
        child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        const service = { name, child, url: `http://127.0.0.1:${port}`, database, output };
        started.push(service);
        try {
          await waitForHealth(`${service.url}${probePath(name, 'readinessProbe')}`, 90_000, () => child.exitCode === null);
        } catch (error) {
          throw new Error(`${name} did not become ready with the manifests' settings: ${(error as Error).message}\n${output.join('')}`);
        }
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(
      started.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      for (const { database } of started) await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });

  it.each(BACKEND)('%s answers its startup, readiness and liveness probes', async (name) => {
    const { url } = started.find((s) => s.name === name)!;
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const response = await fetch(`${url}${probePath(name, probe)}`);
      expect({ probe, status: response.status }).toEqual({ probe, status: 200 });
    }
    expect(await (await fetch(`${url}${probePath(name, 'readinessProbe')}`)).json()).toMatchObject({ service: name, status: 'ready' });
  });

  it.each(BACKEND)('%s accepts only the identity provider’s tokens: a locally signed one is refused', async (name) => {
    const { url } = started.find((s) => s.name === name)!;
    // Signed with the development key for the issuer and audience production expects: only the missing identity provider key set can refuse it.
    const manifest = podEnvironment(name);
    const settings = { ...loadConfig(CommonSettings, {}), AUTH_ISSUER: manifest.AUTH_ISSUER, AUTH_AUDIENCE: manifest.AUTH_AUDIENCE };
    const token = await mintTestToken(settings, { sub: 'dcc-ops', party: 'DCC', partyType: 'dcc', roles: ['operator'] });
    const response = await fetch(`${url}/ops/relay`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
  });
});
