import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
// The same check every entry point runs before it starts (scripts/require-supported-node.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { supportedRange, unsupportedNodeReason } = require('../scripts/node-runtime') as {
  supportedRange: string;
  unsupportedNodeReason: (version: string, range?: string) => string | undefined;
};

const repoRoot = path.resolve(__dirname, '..');
const pinnedVersion = `v${readFileSync(path.join(repoRoot, '.nvmrc'), 'utf8').trim()}`;

/** The caller's PATH without node_modules/.bin, so the machine's own Node.js (if any) comes first, as in a plain shell. */
function pathWithoutProjectBin(): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !dir.includes(`node_modules${path.sep}.bin`))
    .join(path.delimiter);
}

function npm(args: string[]) {
  return spawnSync('npm', args, {
    cwd: repoRoot,
    env: { ...process.env, PATH: pathWithoutProjectBin() },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the Node.js the project runs on', () => {
  it('the Jest worker running this test is the pinned LTS release', () => {
    expect(process.version).toBe(pinnedVersion);
    expect(unsupportedNodeReason(process.version)).toBeUndefined();
  });

  it('the supported range is the Node.js 24 LTS line and nothing older or newer', () => {
    expect(supportedRange).toBe('^24.11.0');
    expect(unsupportedNodeReason('v24.11.0')).toBeUndefined();
    expect(unsupportedNodeReason('v20.20.2')).toBe(
      'Node.js v20.20.2 is not supported: this project needs ^24.11.0 (package.json engines). ' +
        'Run it through npm (npm start, npm test, npm run …), which uses the Node.js that npm ci installs into node_modules, ' +
        'or install that Node.js line.',
    );
    expect(unsupportedNodeReason('v22.22.0')).toMatch(/^Node\.js v22\.22\.0 is not supported/);
    expect(unsupportedNodeReason('v24.10.0')).toMatch(/not supported/);
    expect(unsupportedNodeReason('v26.0.0')).toMatch(/not supported/);
  });

  it('npm scripts run the pinned Node.js even when the shell finds another one first', () => {
    const result = npm(['exec', '--', 'node', '-p', 'process.version']);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(pinnedVersion);
  });

  it('the token CLI passes the runtime check under npm and mints a token', () => {
    const result = npm(['run', '-s', 'token', '--', '--sub', 'runtime-check', '--party', 'DCC', '--party-type', 'dcc']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
