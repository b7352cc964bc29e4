import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The part of Kustomize that infra/k8s uses, enough for manifests.spec.ts to check what `kubectl apply -k` would
 * send, without the kustomize binary: resources (files and directories), namespace, images, replicas,
 * configMapGenerator and secretGenerator from literals (without name hashes), and patches (strategic merge by
 * kind and name, or JSON 6902 with a target). Anything else in a kustomization, or in a patch, is refused with
 * its file named rather than rendered differently from Kustomize: extend this when the manifests need more.
 */

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface RenderedObject {
  object: K8sObject;
  /** The file it was read from, relative to the repository root; a generator's kustomization for generated objects. */
  source: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'images',
  'replicas',
  'patches',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
]);
const GENERATOR_FIELDS = new Set(['name', 'literals', 'behavior']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'StorageClass', 'CustomResourceDefinition']);
/** Lists a strategic merge patch merges item by item (Kubernetes' patchMergeKey); other lists are replaced. */
const MERGE_KEYS: Record<string, string> = { containers: 'name', initContainers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath' };
/** Lists with a merge key this renderer does not implement: a patch touching them is refused. */
const UNSUPPORTED_LISTS = new Set(['ports', 'tolerations', 'imagePullSecrets', 'topologySpreadConstraints']);

const repoRoot = resolve(__dirname, '..', '..');
const where = (file: string) => relative(repoRoot, file);

/** Every YAML document of a file, empty documents left out; a syntax error fails with the file named. */
export function readYamlDocuments(file: string): K8sObject[] {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  return documents.flatMap((document) => {
    if (document.errors.length) throw new Error(`${where(file)}: ${document.errors[0].message}`);
    const value = document.toJS() as K8sObject | null;
    return value == null ? [] : [value];
  });
}

/** What `kustomize build <dir>` would print, for the fields listed above. */
export function renderKustomization(dir: string): RenderedObject[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${where(dir)}: no kustomization.yaml`);
  const [k] = readYamlDocuments(file) as unknown as Array<Record<string, Json>>;
  for (const field of Object.keys(k)) {
    if (!KUSTOMIZATION_FIELDS.has(field)) throw new Error(`${where(file)}: "${field}" is not rendered by kustomize-subset.ts`);
  }
  if (k.kind !== 'Kustomization') throw new Error(`${where(file)}: kind must be Kustomization`);

  const rendered: RenderedObject[] = [];
  for (const entry of (k.resources ?? []) as string[]) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`${where(file)}: resource ${entry} does not exist`);
    if (statSync(path).isDirectory()) rendered.push(...renderKustomization(path));
    else rendered.push(...readYamlDocuments(path).map((object) => ({ object, source: where(path) })));
  }

  generate(file, k, rendered);
  for (const patch of (k.patches ?? []) as JsonObject[]) applyPatch(file, dir, patch, rendered);
  for (const { name, count } of (k.replicas ?? []) as Array<{ name: string; count: number }>) {
    const targets = rendered.filter(({ object }) => ['Deployment', 'StatefulSet'].includes(object.kind) && object.metadata.name === name);
    if (targets.length !== 1) throw new Error(`${where(file)}: replicas for ${name}, but ${targets.length} Deployments or StatefulSets have that name`);
    (targets[0].object.spec as JsonObject).replicas = count;
  }
  for (const image of (k.images ?? []) as Array<{ name: string; newName?: string; newTag?: string; digest?: string }>) {
    let used = false;
    for (const { object } of rendered) {
      for (const container of podContainers(object)) {
        const [imageName] = String(container.image).split(/[@:](?=[^/]*$)/);
        if (imageName !== image.name) continue;
        used = true;
        const suffix = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : '';
        container.image = `${image.newName ?? image.name}${suffix}`;
      }
    }
    if (!used) throw new Error(`${where(file)}: images names ${image.name}, which no container uses`);
  }
  if (typeof k.namespace === 'string') {
    for (const { object } of rendered) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = k.namespace;
  }

  const ids = new Set<string>();
  for (const { object, source } of rendered) {
    const id = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (ids.has(id)) throw new Error(`${where(file)}: ${object.kind} ${object.metadata.name} is declared twice (the second in ${source})`);
    ids.add(id);
  }
  return rendered;
}

/** The containers and init containers of a Deployment, StatefulSet, Job or Pod; none for other kinds. */
export function podContainers(object: K8sObject): JsonObject[] {
  const spec = object.spec as JsonObject | undefined;
  const podSpec = (object.kind === 'Pod' ? spec : ((spec?.template as JsonObject | undefined)?.spec as JsonObject | undefined)) ?? {};
  return [...((podSpec.containers ?? []) as JsonObject[]), ...((podSpec.initContainers ?? []) as JsonObject[])];
}

function generate(file: string, k: Record<string, Json>, rendered: RenderedObject[]): void {
  const generators = [
    ...((k.configMapGenerator ?? []) as JsonObject[]).map((g) => ({ g, kind: 'ConfigMap' })),
    ...((k.secretGenerator ?? []) as JsonObject[]).map((g) => ({ g, kind: 'Secret' })),
  ];
  if (!generators.length) return;
  if ((k.generatorOptions as JsonObject | undefined)?.disableNameSuffixHash !== true) {
    throw new Error(`${where(file)}: generators need generatorOptions.disableNameSuffixHash: true (kustomize-subset.ts computes no name hashes)`);
  }
  for (const { g, kind } of generators) {
    for (const field of Object.keys(g)) if (!GENERATOR_FIELDS.has(field)) throw new Error(`${where(file)}: generator field "${field}" is not rendered`);
    const data: Record<string, string> = {};
    for (const literal of (g.literals ?? []) as string[]) {
      const at = literal.indexOf('=');
      if (at < 1) throw new Error(`${where(file)}: literal "${literal}" is not KEY=value`);
      const value = literal.slice(at + 1);
      data[literal.slice(0, at)] = kind === 'Secret' ? Buffer.from(value).toString('base64') : value;
    }
    const name = String(g.name);
    const behavior = g.behavior ?? 'create';
    const existing = rendered.find(({ object }) => object.kind === kind && object.metadata.name === name);
    if (behavior === 'create') {
      const object: K8sObject = { apiVersion: 'v1', kind, metadata: { name }, data };
      if (kind === 'Secret') object.type = 'Opaque';
      rendered.push({ object, source: where(file) });
    } else if (behavior === 'merge' || behavior === 'replace') {
      if (!existing) throw new Error(`${where(file)}: ${behavior} of ${kind} ${name}, which no resource declares`);
      existing.object.data = behavior === 'merge' ? { ...(existing.object.data as Record<string, string>), ...data } : data;
    } else {
      throw new Error(`${where(file)}: generator behavior "${String(behavior)}" is not rendered`);
    }
  }
}

function applyPatch(file: string, dir: string, patch: JsonObject, rendered: RenderedObject[]): void {
  const label = typeof patch.path === 'string' ? where(resolve(dir, patch.path)) : `${where(file)} (inline patch)`;
  let text: string;
  if (typeof patch.path === 'string') {
    const path = resolve(dir, patch.path);
    if (!existsSync(path)) throw new Error(`${where(file)}: patch ${patch.path} does not exist`);
    text = readFileSync(path, 'utf8');
  } else if (typeof patch.patch === 'string') {
    text = patch.patch;
  } else {
    throw new Error(`${where(file)}: a patch needs path or patch`);
  }
  const documents = parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(`${label}: ${d.errors[0].message}`);
    return d.toJS() as Json;
  });

  if (patch.target) {
    const target = patch.target as { kind?: string; name?: string };
    const matches = rendered.filter(({ object }) => (!target.kind || object.kind === target.kind) && (!target.name || object.metadata.name === target.name));
    if (!matches.length) throw new Error(`${label}: its target ${target.kind ?? '*'} ${target.name ?? '*'} matches no object`);
    const operations = documents[0];
    if (!Array.isArray(operations)) throw new Error(`${label}: a patch with a target must be a JSON 6902 list of operations`);
    for (const { object } of matches) for (const operation of operations) applyOperation(label, object as unknown as JsonObject, operation as JsonObject);
    return;
  }

  for (const document of documents) {
    if (document == null) continue;
    const partial = document as unknown as K8sObject;
    const matches = rendered.filter(({ object }) => object.kind === partial.kind && object.metadata.name === partial.metadata?.name);
    if (matches.length !== 1) throw new Error(`${label}: patches ${partial.kind} ${partial.metadata?.name}, but ${matches.length || 'no'} objects are that`);
    mergePatch(label, matches[0].object as unknown as JsonObject, document as JsonObject, '');
  }
}

/** Strategic merge: maps merge, null removes a key, lists with a merge key merge item by item, other lists are replaced. */
function mergePatch(label: string, target: JsonObject, patch: JsonObject, path: string): void {
  for (const [key, value] of Object.entries(patch)) {
    const at = `${path}/${key}`;
    if (key.startsWith('$')) throw new Error(`${label}: the directive ${at} is not rendered`);
    if (value === null) {
      delete target[key];
    } else if (Array.isArray(value)) {
      if (UNSUPPORTED_LISTS.has(key)) throw new Error(`${label}: merging the list ${at} is not rendered`);
      const mergeKey = MERGE_KEYS[key];
      const current = target[key];
      if (!mergeKey || !Array.isArray(current)) {
        target[key] = value;
        continue;
      }
      // As Kustomize orders them: the patch's items first (merged into the existing ones), then those it leaves alone.
      const merged = (value as JsonObject[]).map((item) => {
        const same = (current as JsonObject[]).find((existing) => existing[mergeKey] === item[mergeKey]);
        if (same) mergePatch(label, same, item, `${at}/${String(item[mergeKey])}`);
        return same ?? item;
      });
      target[key] = [...merged, ...(current as JsonObject[]).filter((existing) => !merged.includes(existing))];
    } else if (typeof value === 'object') {
      if (typeof target[key] !== 'object' || target[key] === null || Array.isArray(target[key])) target[key] = {};
      mergePatch(label, target[key] as JsonObject, value, at);
    } else {
      target[key] = value;
    }
  }
}

function applyOperation(label: string, object: JsonObject, operation: JsonObject): void {
  const { op, path, value } = operation as { op: string; path: string; value?: Json };
  const keys = path
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop();
  let parent: Json = object;
  for (const key of keys) {
    const next: Json | undefined = Array.isArray(parent) ? parent[Number(key)] : (parent as JsonObject)[key];
    if (next == null || typeof next !== 'object') throw new Error(`${label}: ${op} ${path}: no such path`);
    parent = next;
  }
  if (last === undefined) throw new Error(`${label}: ${op} on the whole object is not rendered`);
  const container = parent as JsonObject | Json[];
  const exists = Array.isArray(container) ? last === '-' || Number(last) < container.length : last in container;
  if (op === 'add') {
    if (Array.isArray(container)) container.splice(last === '-' ? container.length : Number(last), 0, value as Json);
    else container[last] = value as Json;
  } else if (op === 'replace' || op === 'remove') {
    if (!exists) throw new Error(`${label}: ${op} ${path}: no such path`);
    if (Array.isArray(container)) container.splice(Number(last), 1, ...(op === 'replace' ? [value as Json] : []));
    else if (op === 'replace') container[last] = value as Json;
    else delete container[last];
  } else {
    throw new Error(`${label}: the operation ${op} is not rendered`);
  }
}
