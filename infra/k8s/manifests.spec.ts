import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { K8sObject, readYamlDocuments, RenderedObject, renderKustomization } from './kustomize-subset';

/**
 * Every manifest under infra/k8s, rendered as `kubectl apply -k` would send it (kustomize-subset.ts), checked against
 * the Kubernetes API's schemas (kubernetes-models) and against what the services need to run as the code says:
 * their ports, node arguments, probes and setting names, resources above their measured peaks, no secret outside a
 * Secret, no more consuming instances than partitions.
 */

// Plain JS shared with `npm start`: the Deployments must start each service as it does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVICES, serviceCommand, repoRoot } = require('../../scripts/services.js') as {
  SERVICES: Array<{ name: string; portSetting: string; defaultPort: number }>;
  serviceCommand: (name: string) => { args: string[] };
  repoRoot: string;
};

const k8sRoot = __dirname;
const rel = (path: string) => relative(repoRoot, path);

// The console joins scripts/services.js with services/console (issue #14); it has a Deployment either way.
const CONSOLE = { name: 'console', portSetting: 'CONSOLE_PORT', defaultPort: 3005 };
const APPS = SERVICES.some((s) => s.name === CONSOLE.name) ? SERVICES : [...SERVICES, CONSOLE];
/** The services with a database, an event store and Kafka; they share the smi-common settings. */
const BACKEND = ['intake', 'verification', 'publication', 'inventory'];

/** Peak resident memory measured per service (bench/README.md): no container may be limited below it. */
const MEASURED_PEAK_MIB: Record<string, { mib: number; where: string }> = {
  intake: { mib: 472, where: 'bench/README.md, intake: 314-472 MB while the relay publishes a million-row file' },
  publication: { mib: 384, where: 'docs/runbook.md: give publication at least 384 MiB (exports peak at 262 MB)' },
  inventory: { mib: 611, where: 'bench/README.md, Issue #13: 611 MB at the peak of a 719,000-row bulk correction on Node 24' },
};

/** Partitions of every consumed topic, as the services create them (libs/service-runtime/src/consumer-host.ts). */
const PARTITIONS = Number(/partitions:\s*(\d+)/.exec(readFileSync(join(repoRoot, 'libs/service-runtime/src/consumer-host.ts'), 'utf8'))?.[1]);

/** The setting names a service reads (its settings class, and the common ones for those that extend them). */
function settingNames(file: string): Set<string> {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const names = new Set([...text.matchAll(/^ {2}([A-Z][A-Z0-9_]*)\??(?::[^=;\n]+)?\s*=/gm)].map((m) => m[1]));
  if (/extends CommonSettings/.test(text)) for (const name of settingNames('libs/config/src/common-settings.ts')) names.add(name);
  return names;
}
const settingsFile = (service: string) => `services/${service}/src/settings.ts`;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

const kustomizations = yamlFiles(k8sRoot)
  .filter((file) => file.endsWith('/kustomization.yaml'))
  .map((file) => rel(join(file, '..')));
const SECRET_TEMPLATE = join(k8sRoot, 'secrets.example.yaml');
const templateSecrets = readYamlDocuments(SECRET_TEMPLATE);

/** The objects each kustomization renders, by its directory relative to the repository root. */
const rendered = new Map<string, RenderedObject[]>(kustomizations.map((dir) => [dir, renderKustomization(join(repoRoot, dir))]));
/** Those an overlay deploys, as against the base, which an overlay completes. */
const overlays = kustomizations.filter((dir) => dir.includes('/overlays/'));

/** kubernetes-models' verdict on each object: see validate-objects.mjs for why it runs in a child process. */
function schemaErrors(objects: K8sObject[]): string[] {
  const child = spawnSync(process.execPath, [join(k8sRoot, 'validate-objects.mjs')], { input: JSON.stringify(objects), encoding: 'utf8', cwd: repoRoot });
  if (child.status !== 0) throw new Error(`validate-objects.mjs failed: ${child.stderr}`);
  return (JSON.parse(child.stdout) as Array<{ index: number; error: string }>).map(
    ({ index, error }) => `${objects[index].kind} ${objects[index].metadata?.name}: ${error}`,
  );
}

type Obj = Record<string, unknown>;
const of = (objects: RenderedObject[], kind: string) => objects.map((r) => r.object).filter((o) => o.kind === kind);
const spec = (o: K8sObject) => o.spec as Obj;
const podSpec = (deployment: K8sObject) => (spec(deployment).template as Obj).spec as Obj;
const podLabels = (deployment: K8sObject) => ((spec(deployment).template as Obj).metadata as Obj).labels as Record<string, string>;
const mainContainer = (deployment: K8sObject) => (podSpec(deployment).containers as Obj[])[0];

/** Kubernetes quantities as bytes (memory) or cores (cpu). */
function quantity(value: unknown): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|k|M|G)?$/.exec(String(value));
  if (!match) throw new Error(`unreadable quantity ${String(value)}`);
  const factor = { m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * factor;
}

/** Setting name → value that a Deployment's container gets from its ConfigMaps and Secrets (decoded). */
function environment(objects: RenderedObject[], deployment: K8sObject, extraSecrets: K8sObject[] = []): Map<string, { value: string; from: string }> {
  const env = new Map<string, { value: string; from: string }>();
  for (const source of (mainContainer(deployment).envFrom ?? []) as Obj[]) {
    const ref = (source.configMapRef ?? source.secretRef) as { name: string };
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const object = [...of(objects, kind), ...(kind === 'Secret' ? extraSecrets : [])].find((o) => o.metadata.name === ref.name);
    if (!object) continue;
    for (const [key, value] of Object.entries((object.data ?? {}) as Record<string, string>)) {
      env.set(key, { value: kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value, from: `${kind} ${ref.name}` });
    }
    for (const [key, value] of Object.entries((object.stringData ?? {}) as Record<string, string>)) env.set(key, { value, from: `${kind} ${ref.name}` });
  }
  return env;
}

/** Secrets a kustomization expects to find in the cluster: those it renders, or else the template's. */
const secretsFor = (objects: RenderedObject[]) => [...of(objects, 'Secret'), ...templateSecrets.filter((t) => !of(objects, 'Secret').some((s) => s.metadata.name === t.metadata.name))];

describe('infra/k8s manifests', () => {
  it('finds the base and both overlays, and every YAML file under infra/k8s is used by a kustomization or is the Secret template', () => {
    expect([...kustomizations].sort()).toEqual(['infra/k8s/base', 'infra/k8s/overlays/local', 'infra/k8s/overlays/production']);
    const used = new Set([rel(SECRET_TEMPLATE), ...kustomizations.map((dir) => `${dir}/kustomization.yaml`)]);
    for (const objects of rendered.values()) for (const { source } of objects) used.add(source);
    for (const dir of kustomizations) {
      const k = readYamlDocuments(join(repoRoot, dir, 'kustomization.yaml'))[0] as unknown as { patches?: Array<{ path?: string }> };
      for (const patch of k.patches ?? []) if (patch.path) used.add(rel(join(repoRoot, dir, patch.path)));
    }
    expect(yamlFiles(k8sRoot).map(rel).filter((file) => !used.has(file))).toEqual([]);
  });

  it.each(kustomizations)('%s: every object it renders passes the Kubernetes API schema', (dir) => {
    expect(schemaErrors(rendered.get(dir)!.map((r) => r.object))).toEqual([]);
  });

  it('the Secret template passes the Kubernetes API schema and holds placeholders only', () => {
    expect(schemaErrors(templateSecrets)).toEqual([]);
    for (const secret of templateSecrets) {
      for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) {
        expect(`${key}=${new URL(value).password}`).toBe(`${key}=REPLACE_ME`);
      }
    }
  });

  describe.each(overlays)('%s', (dir) => {
    const objects = rendered.get(dir)!;
    const deployments = of(objects, 'Deployment');
    const deployment = (name: string) => {
      const found = deployments.find((d) => d.metadata.name === name);
      if (!found) throw new Error(`${dir} has no Deployment ${name}`);
      return found;
    };
    const secrets = secretsFor(objects);

    it.each(APPS.map((a) => [a.name, a] as const))('%s: a Deployment and a Service on its port, started as scripts/services.js starts it', (_name, app) => {
      const d = deployment(app.name);
      const container = mainContainer(d);
      expect(container.name).toBe(app.name);
      expect(container.ports).toEqual([{ name: 'http', containerPort: app.defaultPort }]);
      // The same node arguments (publication's bounded heap) and entry point as `npm start`, relative to the image's /app.
      expect(container.args).toEqual(serviceCommand(app.name).args.map((arg) => (arg.startsWith(repoRoot) ? rel(arg) : arg)));
      expect(String(container.image)).toMatch(/(^|\/)smi-services(:[\w.-]+|@sha256:[0-9a-f]{64})?$/);
      expect(spec(d).selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': app.name } });
      expect(podLabels(d)).toMatchObject({ 'app.kubernetes.io/name': app.name });

      const services = of(objects, 'Service').filter((s) => s.metadata.name === app.name);
      expect(services).toHaveLength(1);
      expect(spec(services[0]).selector).toEqual({ 'app.kubernetes.io/name': app.name });
      expect(spec(services[0]).ports).toEqual([{ name: 'http', port: app.defaultPort, targetPort: 'http' }]);

      const env = environment(objects, d, secrets);
      expect(env.get(app.portSetting)?.value).toBe(String(app.defaultPort));
      // Bound to the loopback (the default), neither the probes nor the Service could reach it.
      expect(env.get('HTTP_HOST')?.value).toBe('0.0.0.0');
    });

    it.each(APPS.map((a) => a.name))('%s: probes, resources and a locked-down pod', (name) => {
      const d = deployment(name);
      const pod = podSpec(d);
      const container = mainContainer(d);
      expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' } });
      expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/health/live', port: 'http' } });
      // Migrations run before the service listens; without a startup probe the liveness probe would kill a long one.
      expect(container.startupProbe).toMatchObject({ httpGet: { path: '/health/live', port: 'http' } });
      const startup = container.startupProbe as { periodSeconds: number; failureThreshold: number };
      if (BACKEND.includes(name)) expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(600);

      const { requests, limits } = container.resources as { requests: Record<string, string>; limits: Record<string, string> };
      for (const resource of ['cpu', 'memory']) {
        expect(quantity(requests[resource])).toBeGreaterThan(0);
        expect(quantity(limits[resource])).toBeGreaterThanOrEqual(quantity(requests[resource]));
      }
      const peak = MEASURED_PEAK_MIB[name];
      if (peak) expect({ limit: quantity(limits.memory) / 1024 ** 2 >= peak.mib, peak: peak.where }).toEqual({ limit: true, peak: peak.where });

      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect((pod.securityContext as Obj).runAsUser).toBeGreaterThan(0);
      expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      // A Service named like the service would put <NAME>_PORT=tcp://… into the environment, over the port setting.
      expect(pod.enableServiceLinks).toBe(false);
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    it.each(APPS.map((a) => a.name))('%s: settings from ConfigMaps, the database URL from a Secret, every name one the service reads', (name) => {
      const d = deployment(name);
      const container = mainContainer(d);
      // Everything through envFrom: a literal env value would bypass the ConfigMaps and Secrets the runbook points to.
      expect(container.env).toBeUndefined();
      const refs = (container.envFrom as Obj[]).map((s) => (s.configMapRef ? `ConfigMap ${(s.configMapRef as Obj).name}` : `Secret ${(s.secretRef as Obj).name}`));
      const expected = BACKEND.includes(name) ? ['ConfigMap smi-common', `ConfigMap ${name}-settings`, `Secret ${name}-secrets`] : [`ConfigMap ${name}-settings`];
      expect(refs).toEqual(expected);
      for (const ref of refs) {
        const [kind, refName] = ref.split(' ');
        const found = [...of(objects, kind), ...(kind === 'Secret' ? secrets : [])].some((o) => o.metadata.name === refName);
        expect({ ref, found }).toEqual({ ref, found: true });
      }

      const env = environment(objects, d, secrets);
      if (BACKEND.includes(name)) expect(env.get(`${name.toUpperCase()}_DATABASE_URL`)?.from).toBe(`Secret ${name}-secrets`);
      // An unknown name is ignored by the service without a word: a typo would silently leave the default in force.
      if (existsSync(join(repoRoot, settingsFile(name)))) {
        const known = settingNames(settingsFile(name));
        expect([...env.keys()].filter((key) => !known.has(key))).toEqual([]);
      }
      if (env.get('NODE_ENV')?.value === 'production' && BACKEND.includes(name)) {
        // Production refuses locally signed tokens (libs/auth/src/jwt-verifier.ts): without the key set it would not start.
        expect(env.get('AUTH_JWKS_URL')?.value).toMatch(/^https:\/\//);
        expect(env.has('AUTH_LOCAL_SECRET')).toBe(false);
      }
    });

    it('no secret outside a Secret: no database URL, key or password in a ConfigMap, no password in a committed Secret', () => {
      for (const configMap of of(objects, 'ConfigMap')) {
        for (const [key, value] of Object.entries((configMap.data ?? {}) as Record<string, string>)) {
          expect({ key, secretName: /DATABASE_URL|SECRET|PASSWORD|TOKEN|KEY$/.test(key) }).toEqual({ key, secretName: false });
          expect({ key, credentials: /:\/\/[^/\s]*:[^/\s]*@/.test(value) }).toEqual({ key, credentials: false });
        }
      }
      for (const secret of of(objects, 'Secret')) {
        for (const [key, value] of Object.entries((secret.data ?? {}) as Record<string, string>)) {
          const text = Buffer.from(value, 'base64').toString('utf8');
          if (/^postgres(ql)?:\/\//.test(text)) expect({ key, password: new URL(text).password }).toEqual({ key, password: '' });
          else expect({ key, committed: true }).toEqual({ key, committed: false });
        }
      }
    });

    it('no more instances of a consuming service than partitions, and disruption budgets that let a drain through', () => {
      expect(PARTITIONS).toBeGreaterThan(0);
      for (const d of deployments) expect({ name: d.metadata.name, withinPartitions: Number(spec(d).replicas ?? 1) <= PARTITIONS }).toEqual({ name: d.metadata.name, withinPartitions: true });
      for (const pdb of of(objects, 'PodDisruptionBudget')) {
        const selector = (spec(pdb).selector as { matchLabels: Record<string, string> }).matchLabels;
        const selected = deployments.filter((d) => Object.entries(selector).every(([k, v]) => podLabels(d)[k] === v));
        expect(selected.map((d) => d.metadata.name)).toEqual([pdb.metadata.name]);
        // minAvailable equal to replicas would block every eviction, and so every node drain.
        expect(Number(spec(selected[0]).replicas ?? 1)).toBeGreaterThan(Number(spec(pdb).minAvailable));
      }
    });

    it('Prometheus scrapes each backend service on its own port at /metrics', () => {
      for (const name of BACKEND) {
        const annotations = ((spec(deployment(name)).template as Obj).metadata as Obj).annotations;
        const port = APPS.find((a) => a.name === name)!.defaultPort;
        expect(annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' });
      }
    });

    it('puts everything in one namespace that enforces the restricted Pod Security Standard', () => {
      const namespaces = of(objects, 'Namespace');
      expect(namespaces).toHaveLength(1);
      expect(namespaces[0].metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
      for (const { object } of objects) if (object.kind !== 'Namespace') expect(`${object.kind} ${object.metadata.name} in ${object.metadata.namespace}`).toBe(`${object.kind} ${object.metadata.name} in ${namespaces[0].metadata.name}`);
    });
  });

  it('the Secret template has one Secret per backend service, holding only its database URL', () => {
    expect(templateSecrets.map((s) => [s.metadata.name, Object.keys(s.stringData as Obj)])).toEqual(BACKEND.map((name) => [`${name}-secrets`, [`${name.toUpperCase()}_DATABASE_URL`]]));
    for (const name of BACKEND) expect(settingNames(settingsFile(name)).has(`${name.toUpperCase()}_DATABASE_URL`)).toBe(true);
  });

  it('the image runs the project’s Node.js (.nvmrc) as a non-root user', () => {
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    expect(/^ARG NODE_VERSION=(.+)$/m.exec(dockerfile)?.[1]).toBe(readFileSync(join(repoRoot, '.nvmrc'), 'utf8').trim());
    const users = [...dockerfile.matchAll(/^USER (\d+)(?::(\d+))?$/gm)];
    expect(users.length).toBeGreaterThan(0);
    expect(Number(users.at(-1)![1])).toBeGreaterThan(0);
  });
});
