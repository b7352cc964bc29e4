// One Jest run covers every kind of test. Projects split them so `--selectProjects unit` stays fast and
// infrastructure is started once (globalSetup) for the integration and e2e projects.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const swcOptions = JSON.parse(readFileSync(join(__dirname, '.swcrc'), 'utf8'));
delete swcOptions.$schema;
const { paths } = JSON.parse(readFileSync(join(__dirname, 'tsconfig.base.json'), 'utf8')).compilerOptions;
const moduleNameMapper = Object.fromEntries(
  Object.entries(paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

// jose ships ES modules only. Node 24 loads them with require() (how the compiled services use it), but
// Jest's own module loader cannot, so Jest compiles jose to CommonJS like the project's TypeScript. So does
// content-disposition, which @fastify/static loads for the console host.
const esmOnlyPackages = ['jose', 'content-disposition'];
const esmToCommonJs = { ...swcOptions, jsc: { ...swcOptions.jsc, parser: { syntax: 'ecmascript' } } };

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', swcOptions],
    [`/node_modules/(${esmOnlyPackages.join('|')})/.+\\.js$`]: ['@swc/jest', esmToCommonJs],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleNameMapper,
  setupFiles: ['<rootDir>/jest/setup-env.js'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.cache/'],
};

module.exports = {
  globalSetup: '<rootDir>/jest/global-setup.js',
  // Integration and e2e tests wait on a real broker and database; unit tests finish long before this.
  testTimeout: 120_000,
  globalTeardown: '<rootDir>/jest/global-teardown.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services,contracts,infra}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{libs,services,contracts}/**/*.int-spec.ts'], slowTestThreshold: 20 },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'], slowTestThreshold: 60 },
  ],
};
