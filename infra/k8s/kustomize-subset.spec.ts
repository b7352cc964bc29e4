import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomization } from './kustomize-subset';

/**
 * The renderer manifests.spec.ts relies on: it must render what Kustomize renders for the fields it takes (its output
 * for infra/k8s was compared with `kubectl kustomize`), and refuse the rest rather than render something else.
 */

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kustomize-subset-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function files(entries: Record<string, string>): void {
  for (const [path, text] of Object.entries(entries)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const BASE = {
  'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - app.yaml\n',
  'base/app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: app
          image: smi-services
          args: ["a", "b"]
          env:
            - name: ONE
              value: "1"
          resources:
            requests:
              cpu: 100m
        - name: sidecar
          image: other:1
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  KEEP: "yes"
  DROP: "no"
`,
};

const overlay = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\n${body}`;
const find = (objects: ReturnType<typeof renderKustomization>, kind: string, name: string) => objects.find((r) => r.object.kind === kind && r.object.metadata.name === name)!.object;
/** The value at a path of keys inside an object. */
const at = (value: unknown, ...keys: string[]): unknown => keys.reduce((v, key) => (v as Record<string, unknown>)[key], value);

describe('kustomize-subset', () => {
  it('merges a strategic patch as Kustomize does: containers and env by name (the patch’s items first), null removes a key, other lists replaced', () => {
    files({
      ...BASE,
      'overlay/kustomization.yaml': overlay('patches:\n  - path: patch.yaml\n'),
      'overlay/patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          args: ["c"]
          env:
            - name: TWO
              value: "2"
          resources:
            limits:
              memory: 1Gi
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  DROP: null
  ADDED: "x"
`,
    });
    const objects = renderKustomization(join(root, 'overlay'));
    const containers = at(find(objects, 'Deployment', 'app'), 'spec', 'template', 'spec', 'containers');
    expect(containers).toEqual([
      { name: 'app', image: 'smi-services', args: ['c'], env: [{ name: 'TWO', value: '2' }, { name: 'ONE', value: '1' }], resources: { requests: { cpu: '100m' }, limits: { memory: '1Gi' } } },
      { name: 'sidecar', image: 'other:1' },
    ]);
    expect(find(objects, 'ConfigMap', 'settings').data).toEqual({ KEEP: 'yes', ADDED: 'x' });
  });

  it('applies replicas, images, namespace (not to a Namespace) and JSON 6902 patches with a target', () => {
    files({
      ...BASE,
      'overlay/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: smi\n',
      'overlay/kustomization.yaml': overlay(`  - namespace.yaml
namespace: smi
replicas:
  - name: app
    count: 3
images:
  - name: smi-services
    newName: registry.example/smi-services
    newTag: "1.2"
patches:
  - target:
      kind: Deployment
      name: app
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/0/args/1
        value: B
      - op: add
        path: /spec/template/spec/containers/0/args/-
        value: C
      - op: remove
        path: /spec/template/spec/containers/1
`),
    });
    const objects = renderKustomization(join(root, 'overlay'));
    const app = find(objects, 'Deployment', 'app');
    expect(at(app, 'spec', 'replicas')).toBe(3);
    expect(at(app, 'spec', 'template', 'spec', 'containers')).toEqual([expect.objectContaining({ image: 'registry.example/smi-services:1.2', args: ['a', 'B', 'C'] })]);
    expect(objects.map((r) => `${r.object.kind} ${r.object.metadata.namespace ?? '-'}`).sort()).toEqual(['ConfigMap smi', 'Deployment smi', 'Namespace -']);
  });

  it('generates ConfigMaps and Secrets from literals, and merges into an existing one', () => {
    files({
      ...BASE,
      'overlay/kustomization.yaml': overlay(`secretGenerator:
  - name: app-secrets
    literals:
      - URL=postgres://u@h/db
configMapGenerator:
  - name: settings
    behavior: merge
    literals:
      - KEEP=changed
generatorOptions:
  disableNameSuffixHash: true
`),
    });
    const objects = renderKustomization(join(root, 'overlay'));
    expect(find(objects, 'Secret', 'app-secrets').data).toEqual({ URL: Buffer.from('postgres://u@h/db').toString('base64') });
    expect(find(objects, 'ConfigMap', 'settings').data).toEqual({ KEEP: 'changed', DROP: 'no' });
  });

  it.each([
    ['a field it does not render', overlay('commonLabels:\n  a: b\n'), /"commonLabels" is not rendered/],
    ['a resource that does not exist', overlay('  - missing.yaml\n'), /resource missing\.yaml does not exist/],
    ['a patch of an object nobody declares', overlay('patches:\n  - patch: |-\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: nope\n'), /patches ConfigMap nope, but no objects are that/],
    ['a JSON 6902 path that is not there', overlay('patches:\n  - target:\n      kind: Deployment\n    patch: |-\n      - op: replace\n        path: /spec/nothing/here\n        value: 1\n'), /no such path/],
    ['replicas of a missing Deployment', overlay('replicas:\n  - name: nope\n    count: 2\n'), /replicas for nope/],
    ['an image no container uses', overlay('images:\n  - name: nope\n    newTag: "1"\n'), /images names nope/],
    ['generated names with a hash', overlay('configMapGenerator:\n  - name: x\n    literals: [A=1]\n'), /disableNameSuffixHash/],
    ['a patch directive', overlay('patches:\n  - patch: |-\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: settings\n      $patch: delete\n'), /directive \/\$patch is not rendered/],
    ['a merge of ports', overlay('patches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: app\n      spec:\n        template:\n          spec:\n            containers:\n              - name: app\n                ports: [{containerPort: 1}]\n'), /merging the list .*ports is not rendered/],
    ['the same object twice', overlay('  - ../base/app.yaml\n'), /ConfigMap settings is declared twice|Deployment app is declared twice/],
  ])('refuses %s, naming the file', (_case, kustomization, message) => {
    files({ ...BASE, 'overlay/kustomization.yaml': kustomization });
    expect(() => renderKustomization(join(root, 'overlay'))).toThrow(message);
    expect(() => renderKustomization(join(root, 'overlay'))).toThrow(/overlay\/kustomization\.yaml/);
  });
});
