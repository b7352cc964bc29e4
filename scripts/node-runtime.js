// The Node.js line this project runs on (package.json `engines`), checked by every process the project
// starts through npm: `npm start`, `npm test` (and so Jest and its workers), `npm run bench`, `npm run token`,
// `npm run db:migrate`. `npm ci` installs that Node.js into node_modules (the node-linux-* packages), and npm
// puts node_modules/.bin first on the PATH of its scripts, so a machine whose own Node.js is older still runs
// the project on the supported line. Started any other way with an unsupported Node.js, a process stops with
// one line saying why, instead of failing later in a dependency that needs the newer runtime.
'use strict';

const path = require('node:path');
const semver = require('semver');

const packageJson = require(path.join(__dirname, '..', 'package.json'));
const supportedRange = packageJson.engines.node;

/** Why `version` cannot run the project, or undefined when it can. */
function unsupportedNodeReason(version, range = supportedRange) {
  if (semver.satisfies(version, range)) return undefined;
  return (
    `Node.js ${version} is not supported: this project needs ${range} (package.json engines). ` +
    'Run it through npm (npm start, npm test, npm run …), which uses the Node.js that npm ci installs into node_modules, ' +
    'or install that Node.js line.'
  );
}

function requireSupportedNode() {
  const reason = unsupportedNodeReason(process.version);
  if (reason) {
    process.stderr.write(`${reason}\n`);
    process.exit(1);
  }
}

module.exports = { supportedRange, unsupportedNodeReason, requireSupportedNode };
