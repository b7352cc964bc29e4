// Submissions end to end: the compiled intake service as its own process on a fresh database and topic
// prefix, a generated CSV uploaded over HTTP, timed until every event is stored AND published to Kafka; then
// the peak memory of the service while it takes a much larger file. `npm run bench -- intake [options]`;
// see README.md.
import { mintLocalToken } from '@smi/auth';
import { CommonSettings, loadConfig } from '@smi/config';
import { ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, statSync, unlinkSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { fmt } from './support/measure';
import { buildServices, cpuSeconds, databaseUrlFor, dropDatabaseAndTopics, memoryKb, runId, serverSettingsLine, serviceEnv, startService, stopService } from './support/system-under-test';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    'memory-rows': { type: 'string', default: '1000000' },
    'skip-memory': { type: 'boolean', default: false },
    'skip-throughput': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows);
const MEMORY_ROWS = Number(args['memory-rows']);
const TARGET_ROWS_PER_SECOND = 20_000;
const TARGET_PEAK_RSS_MB = 300;
// A 1,000,000-row file is about 150 MB, over the 50 MiB default; the limit is raised for the bench only.
const BENCH_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

const settings = loadConfig(CommonSettings, {});

const HEADER = 'Identifier,Make,Model,Firmware Version,Device Type,Source,Status of Information,Date last Updated,Fix Available,Fix Information';
const DEVICE_TYPES = ['ESME', 'GSME', 'PPMID', 'IHD', 'HCALCS'];
const STATUSES = ['Issue', 'Defect', 'Fix'];

/** A realistic row (about 150 bytes): a spread of models, firmware and dates, a quoted fix note on half. */
function row(i: number): string {
  const fix = i % 2 === 0;
  const day = String((i % 28) + 1).padStart(2, '0');
  const month = String((i % 12) + 1).padStart(2, '0');
  const firmware = (0x00020000 + (i % 997)).toString(16).toUpperCase().padStart(8, '0');
  return [
    i,
    'Bench Metering',
    `BM-${100 + (i % 40)}`,
    firmware,
    DEVICE_TYPES[i % DEVICE_TYPES.length],
    'Device Manufacturer',
    STATUSES[i % STATUSES.length],
    i % 3 === 0 ? `${day}/${month}/2025` : `2025-${month}-${day}`,
    fix ? 'Yes' : 'No',
    fix ? `"Upgrade to ${firmware}, then re-read the register; see advisory BM-${i}"` : '',
  ].join(',');
}

async function writeCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  out.write(`${HEADER}\r\n`);
  const perChunk = 5_000;
  for (let start = 1; start <= rows; start += perChunk) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(start + perChunk, rows + 1); i += 1) lines.push(row(i));
    if (!out.write(`${lines.join('\r\n')}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return statSync(path).size;
}

interface Intake {
  url: string;
  child: ChildProcess;
  databaseName: string;
  topicPrefix: string;
  stop(): Promise<void>;
}

/** The compiled intake service with its own database and topic prefix, as `npm start` runs it. */
async function startIntake(label: string): Promise<Intake> {
  const databaseName = `bench_intake_${label}_${runId}`.toLowerCase();
  const topicPrefix = `bench_${label}_${runId}`;
  const { url, child } = await startService(
    'intake',
    (port) =>
      serviceEnv('intake', { databaseUrl: databaseUrlFor(databaseName), topicPrefix, port }, {
        INTAKE_MAX_UPLOAD_BYTES: String(BENCH_MAX_UPLOAD_BYTES),
        // Lets a run try V8 heap settings on the service (e.g. --max-old-space-size=256) without changing npm start.
        ...(process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS } : {}),
      }),
    { readyWithinMs: 90_000, outputChunksKept: 100 },
  );
  return {
    url,
    child,
    databaseName,
    topicPrefix,
    async stop() {
      await stopService(child, 20_000);
      await dropDatabaseAndTopics(databaseName, topicPrefix);
    },
  };
}

function token(party: string, partyType: 'dcc' | 'manufacturer'): Promise<string> {
  return mintLocalToken({
    secret: settings.AUTH_LOCAL_SECRET,
    issuer: settings.AUTH_ISSUER,
    audience: settings.AUTH_AUDIENCE,
    sub: `${party}-bench`,
    party,
    partyType,
    roles: partyType === 'dcc' ? ['registry.admin'] : [],
    expiresIn: '2h',
  });
}

async function json(method: string, url: string, bearer: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Streams a file as a text/csv body; resolves with the parsed report once the service has answered. */
function upload(url: string, bearer: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/submissions?fileName=bench.csv`,
      { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'text/csv', 'content-length': statSync(path).size } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    createReadStream(path).pipe(req);
  });
}

interface RelayReport {
  backlog: number;
  publishedSinceStart: number;
  lastError?: string;
}

/** Polls the relay until nothing is left to publish and at least `events` went out since start. */
async function waitForRelay(url: string, bearer: string, events: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await json('GET', `${url}/ops/relay`, bearer);
    const relay = body as RelayReport;
    if (relay.backlog === 0 && relay.publishedSinceStart >= events) return;
    if (Date.now() > deadline) throw new Error(`relay still has ${relay.backlog} events to publish after ${timeoutMs} ms (${relay.lastError ?? 'no error'})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const mb = (kb: number) => kb / 1024;

async function registerProvider(intake: Intake, dcc: string): Promise<string> {
  const registered = await json('POST', `${intake.url}/parties`, dcc, {
    partyId: 'MFR-BENCH',
    name: 'Bench Metering Ltd',
    partyType: 'manufacturer',
    makes: ['Bench Metering'],
  });
  if (registered.status !== 201) throw new Error(`registering the provider failed: ${JSON.stringify(registered.body)}`);
  return token('MFR-BENCH', 'manufacturer');
}

function checkReport(report: { status: number; body: Record<string, unknown> }, rows: number): void {
  const counts = report.body.counts as { accepted: number } | undefined;
  if (report.status !== 201 || counts?.accepted !== rows) throw new Error(`upload failed: ${report.status} ${JSON.stringify(report.body).slice(0, 500)}`);
}

async function main(): Promise<void> {
  if (!args['no-build']) buildServices();
  const dcc = await token('DCC', 'dcc');
  const lines: string[] = [];
  const print = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  const load = () => loadavg()[0].toFixed(2);
  print(
    `intake benchmark — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 1024 ** 3)} GiB, ` +
      `node ${process.version}, load average ${load()} at start` +
      (process.env.BENCH_SERVICE_NODE_OPTIONS ? `, service NODE_OPTIONS=${process.env.BENCH_SERVICE_NODE_OPTIONS}` : ''),
  );
  print(await serverSettingsLine());

  // 1. Throughput: ROWS rows, from the first byte sent until the last event is acknowledged by Kafka.
  if (!args['skip-throughput']) await throughput(dcc, print);

  // 2. Memory: a fresh service process takes MEMORY_ROWS rows; its resident set is sampled throughout.
  if (!args['skip-memory']) await memory(dcc, print);
  print(`load average ${load()} at end`);
  process.stderr.write(`\n${lines.length} figures printed above; paste them into bench/README.md with the command.\n`);
}

async function throughput(dcc: string, print: (line: string) => void): Promise<void> {
  const throughputFile = join(tmpdir(), `intake-bench-${runId}-${ROWS}.csv`);
  const throughputBytes = await writeCsv(throughputFile, ROWS);
  const first = await startIntake('throughput');
  try {
    const provider = await registerProvider(first, dcc);
    await waitForRelay(first.url, dcc, 1, 30_000);
    const { body: before } = await json('GET', `${first.url}/ops/relay`, dcc);
    const pid = first.child.pid as number;
    const cpuBefore = cpuSeconds(pid);
    const started = performance.now();
    const report = await upload(first.url, provider, throughputFile);
    const answered = performance.now();
    const cpuAnswered = cpuSeconds(pid);
    checkReport(report, ROWS);
    // ROWS ItemSubmitted and one SubmissionRecorded, after whatever was published before.
    await waitForRelay(first.url, dcc, (before as RelayReport).publishedSinceStart + ROWS + 1, 600_000);
    const published = performance.now();
    const seconds = (published - started) / 1000;
    const rate = ROWS / seconds;
    print(`file: ${fmt(ROWS)} rows, ${fmt(throughputBytes / 1024 ** 2, 1)} MiB`);
    const cpuPublished = cpuSeconds(pid);
    print(`upload answered (parsed, validated, ${fmt(ROWS + 1)} events stored, committed): ${fmt((answered - started) / 1000, 2)} s (service CPU ${fmt(cpuAnswered - cpuBefore, 1)} s)`);
    print(`relay drained (every event acknowledged by Kafka): ${fmt((published - answered) / 1000, 2)} s more (service CPU ${fmt(cpuPublished - cpuAnswered, 1)} s)`);
    print(`end to end: ${fmt(seconds, 2)} s = ${fmt(rate)} rows/s (target ≥ ${fmt(TARGET_ROWS_PER_SECOND)}): ${rate >= TARGET_ROWS_PER_SECOND ? 'met' : 'MISSED'}`);
  } finally {
    await first.stop();
    unlinkSync(throughputFile);
  }
}

async function memory(dcc: string, print: (line: string) => void): Promise<void> {
  {
    const memoryFile = join(tmpdir(), `intake-bench-${runId}-${MEMORY_ROWS}.csv`);
    const memoryBytes = await writeCsv(memoryFile, MEMORY_ROWS);
    const second = await startIntake('memory');
    try {
      const provider = await registerProvider(second, dcc);
      const pid = second.child.pid as number;
      const idleKb = memoryKb(pid, 'VmRSS');
      let peakKb = idleKb;
      const sampler = setInterval(() => {
        peakKb = Math.max(peakKb, memoryKb(pid, 'VmRSS'));
      }, 100);
      const started = performance.now();
      try {
        const report = await upload(second.url, provider, memoryFile);
        checkReport(report, MEMORY_ROWS);
      } finally {
        clearInterval(sampler);
      }
      const answered = performance.now();
      const uploadPeakKb = Math.max(peakKb, memoryKb(pid, 'VmHWM'));
      await waitForRelay(second.url, dcc, MEMORY_ROWS + 2, 1_800_000);
      const published = performance.now();
      const overallPeakKb = memoryKb(pid, 'VmHWM');
      print(`file: ${fmt(MEMORY_ROWS)} rows, ${fmt(memoryBytes / 1024 ** 2, 1)} MiB`);
      print(`service RSS at rest before the upload: ${fmt(mb(idleKb))} MB`);
      print(`peak RSS (VmHWM) while uploading: ${fmt(mb(uploadPeakKb))} MB (target < ${TARGET_PEAK_RSS_MB} MB): ${mb(uploadPeakKb) < TARGET_PEAK_RSS_MB ? 'met' : 'MISSED'}`);
      print(`peak RSS including the relay publishing it all: ${fmt(mb(overallPeakKb))} MB`);
      print(`${fmt(MEMORY_ROWS)} rows: answered in ${fmt((answered - started) / 1000, 1)} s, published after ${fmt((published - started) / 1000, 1)} s = ${fmt(MEMORY_ROWS / ((published - started) / 1000))} rows/s`);
    } finally {
      await second.stop();
      unlinkSync(memoryFile);
    }
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
