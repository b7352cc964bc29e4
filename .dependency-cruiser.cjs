// The architecture's import rules, checked on every `npm test` so they hold without anyone remembering them.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'service-imports-another-service',
      comment: 'Services talk only over Kafka; sharing code goes through libs or contracts.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'lib-imports-service',
      comment: 'Libs are shared mechanisms; they must not depend on any service.',
      severity: 'error',
      from: { path: '^(libs|contracts)/' },
      to: { path: '^services/' },
    },
    {
      name: 'contracts-import-libs',
      comment: 'Contracts describe what crosses a boundary and stay free of mechanisms.',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: '^libs/' },
    },
    {
      name: 'production-code-imports-tests',
      comment: 'Test support (libs/testing, e2e) is for tests only.',
      severity: 'error',
      from: { path: '^(services|libs|contracts)/', pathNot: '\\.(spec|int-spec|e2e-spec)\\.ts$|^libs/testing/|/test-support/' },
      to: { path: '^(libs/testing|e2e)/' },
    },
    {
      name: 'deep-import-into-lib',
      comment: 'Each lib has one public entry (src/index.ts); reaching into its insides couples to them.',
      severity: 'error',
      from: { path: '^(services|e2e|bench|contracts)/' },
      to: { path: '^libs/[^/]+/src/.+', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'lib-deep-imports-another-lib',
      comment: 'Libs use each other only through the public entry.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/.+', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'use-case-folders-in-a-cycle',
      comment:
        'Inside a service, a use-case folder (services/<svc>/src/<folder>/, sub-folders included) may use another but never ' +
        'loop back to itself through others: what two folders share goes in a small folder of its own that both import. ' +
        'Checked on folders, so it also catches loops that no chain of single files closes (no-circular cannot see those). ' +
        'Files directly in src/ (app.module.ts, migrations.ts, settings.ts) are the composition root, not a use case.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^services/([^/]+)/src/([^/]+)' },
      to: { circular: true, path: '^services/$1/src/', pathNot: '^services/$1/src/$2(/|$)' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.cache)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
