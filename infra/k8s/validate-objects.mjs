// Checks Kubernetes objects against the Kubernetes API's schemas with kubernetes-models, for manifests.spec.ts.
// kubernetes-models is published as ES modules for `import` only, which Jest's CommonJS runtime cannot load, so
// the test runs this on the project's Node.js as a child process: a JSON array of objects on stdin, a JSON array
// of `{ index, error }` on stdout (empty when every object is valid).
import { text } from 'node:stream/consumers';

const objects = JSON.parse(await text(process.stdin));
const errors = [];
for (const [index, object] of objects.entries()) {
  let Model;
  try {
    // `apps/v1` + `Deployment` → kubernetes-models/apps/v1/Deployment; the core group `v1` → kubernetes-models/v1/Service.
    Model = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`))[object.kind];
  } catch {
    errors.push({ index, error: `no Kubernetes API model for ${object.apiVersion} ${object.kind}` });
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    errors.push({ index, error: error.message });
  }
}
process.stdout.write(JSON.stringify(errors));
