// Loaded first by every entry point the project starts (and with `node -r` where the entry is TypeScript):
// stops the process with one line when it runs on a Node.js outside package.json `engines`.
'use strict';

require('./node-runtime').requireSupportedNode();
