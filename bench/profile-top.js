#!/usr/bin/env node
// Prints the top self-time functions of a V8 CPU profile (a `.cpuprofile` from `node --cpu-prof`) as a Markdown
// table, the form bench/README.md records before and after a change:
//   node bench/profile-top.js <file.cpuprofile> [--top=10] [--by=function|package]
// Self time is the time sampled in a function's own code, not its callees'. `--by=package` sums it per
// node_modules package (or "project", "node:" internals, "(garbage collector)" …), which says where to look first.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '10' }, by: { type: 'string', default: 'function' } },
});
if (positionals.length !== 1) {
  console.error('usage: node bench/profile-top.js <file.cpuprofile> [--top=10] [--by=function|package]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(positionals[0], 'utf8'));
const top = Number(values.top);

// Sample i lasted timeDeltas[i + 1] µs (the delta recorded with the next sample); the last one's length is unknown.
const selfMicros = new Map();
for (let i = 0; i < profile.samples.length - 1; i++) {
  selfMicros.set(profile.samples[i], (selfMicros.get(profile.samples[i]) ?? 0) + profile.timeDeltas[i + 1]);
}

const repoRoot = path.resolve(__dirname, '..');
function packageOf(url) {
  if (!url) return '(native or internal)';
  if (url.startsWith('node:')) return 'node: internals';
  const file = url.replace(/^file:\/\//, '');
  const inModules = file.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const parts = file.slice(inModules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return file.startsWith(repoRoot) ? 'project' : file;
}
function label(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  const file = url.replace(/^file:\/\//, '');
  const shown = file.includes('node_modules/') ? file.slice(file.lastIndexOf('node_modules/') + 'node_modules/'.length) : path.relative(repoRoot, file);
  return `${name} ${shown}:${lineNumber + 1}`;
}

const totals = new Map();
let all = 0;
let idle = 0;
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0;
  all += micros;
  if (node.callFrame.functionName === '(idle)') {
    idle += micros;
    continue;
  }
  const key = values.by === 'package' ? (node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : packageOf(node.callFrame.url)) : label(node);
  totals.set(key, (totals.get(key) ?? 0) + micros);
}
const busy = all - idle;
const rows = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`profile ${path.basename(positionals[0])}: ${(all / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (idle excluded from the shares)\n`);
console.log(`| # | ${values.by === 'package' ? 'package' : 'function'} | self ms | share of busy |`);
console.log('|---|---|---:|---:|');
rows.forEach(([key, micros], i) => console.log(`| ${i + 1} | \`${key.replace(/\|/g, '\\|')}\` | ${(micros / 1000).toFixed(0)} | ${((100 * micros) / busy).toFixed(1)} % |`));
