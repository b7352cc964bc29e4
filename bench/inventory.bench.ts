// The inventory end to end at the scale of the SMI: 1,000,000 Commissioned SMETS2 ESMEs seeded straight into a
// fresh database (events, request records and read models, as the service writes them), then the compiled
// service as its own process on a fresh topic prefix, measured on
//   (a) SR8.4 over Kafka, command produced → events stored → response consumed: sustained rate, then latency
//       at a paced 1,000/s;
//   (b) a 719,000-row bulk correction, upload → job completed;
//   (c) the service's peak memory (VmHWM) during each;
// plus the variant outlier report over the 1,000,000 devices. `npm run bench -- inventory [options]`; see README.md.
import { mintLocalToken } from '@smi/auth';
import { CommonSettings, loadConfig } from '@smi/config';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { fmt, percentile } from './support/measure';
import { BENCH_APPLICATION_NAME, CpuMeter, PeakMemory, perUnit } from './support/process-meters';
import {
  brokers,
  buildServices,
  databaseUrlFor,
  dropDatabaseAndTopics,
  memoryKb,
  migrateService,
  runId,
  serverSettingsLine,
  serverUrl,
  serviceEnv,
  startService,
  stopService,
} from './support/system-under-test';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000000' },
    commands: { type: 'string', default: '100000' },
    'paced-rate': { type: 'string', default: '1000' },
    'paced-seconds': { type: 'string', default: '30' },
    'bulk-rows': { type: 'string', default: '719000' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    // Development: seed once into a template database kept between runs, and clone it (CREATE DATABASE … TEMPLATE).
    'reuse-seed': { type: 'boolean', default: false },
    // Diagnosis: hold the outbox relay's advisory lock so the service's relay stays on standby, to measure the write
    // path without publishing (phase c only: Kafka responses are published by the relay).
    'hold-relay': { type: 'boolean', default: false },
    // Which measurements to run: a (sustained rate), b (paced latency), c (bulk correction), r (outlier report).
    phases: { type: 'string', default: 'a,b,c,r' },
    // Extra settings for the service, e.g. --env INVENTORY_BULK_BATCH_SIZE=2000 (repeatable).
    env: { type: 'string', multiple: true, default: [] },
  },
});
const DEVICES = Number(args.devices);
const COMMANDS = Number(args.commands);
const PACED_RATE = Number(args['paced-rate']);
const PACED_SECONDS = Number(args['paced-seconds']);
const BULK_ROWS = Number(args['bulk-rows']);
const SERVICE_ENV = Object.fromEntries(args.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
const PHASES = new Set(args.phases.split(','));
if (BULK_ROWS + COMMANDS + PACED_RATE * PACED_SECONDS > DEVICES) throw new Error('the phases need distinct devices: bulk rows + commands + paced commands must not exceed --devices');

const TARGETS = { sustained: 5_000, p99Ms: 100, bulkSeconds: 150, memoryMb: 500 };

const databaseName = `bench_inventory_${runId}`;
const topicPrefix = `bench_inv_${runId}`;
const settings = loadConfig(CommonSettings, {});

const SUPPLIER_A = { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };
const DSP = { userId: 'dsp-integration', partyId: 'DSP', partyType: 'dsp', roles: [] as string[] };
const LETTERS = ['A', 'B', 'C'];

// ---------------------------------------------------------------------------------------------------
// The seeded SMI. Device i (1-based): manufacturer i mod 4, one of 5 models each; every model has a letter
// (its physical element type) and one ESME in 197 carries another letter: the planted wrong variants.
// ---------------------------------------------------------------------------------------------------

function deviceId(i: number): string {
  const hex = i.toString(16).toUpperCase().padStart(12, '0');
  return `00-DB-${hex.match(/../g)!.join('-')}`;
}

/** The letter of device i's model: what a correction puts back. */
function modelLetter(i: number): string {
  return LETTERS[((i % 4) + (Math.floor(i / 4) % 5)) % 3];
}

/**
 * One statement per batch of devices: per device its DevicePreNotified (SR12.2 from supplier A over Kafka),
 * the ServiceRequestAnswered record of that request, and DeviceStatusChanged Pending → Commissioned from the
 * DSP; then its smi_devices row (version 2) and its smi_service_requests row (at the answer's position). The
 * shapes are the decider's; the bench checks one device by folding its stream through the service (asOf).
 */
const SEED_SQL = `
WITH d AS (
  SELECT i,
    '00-DB-' || regexp_replace(lpad(upper(to_hex(i)), 12, '0'), '(..)(?!$)', '\\1-', 'g') AS device_id,
    (ARRAY['1063', '10AB', '2201', '3A4F'])[i % 4 + 1] AS manufacturer,
    lpad(upper(to_hex(328192 + (i % 4) * 16 + (i / 4) % 5)), 8, '0') AS model,
    (ARRAY['A', 'B', 'C'])[((i % 4) + (i / 4) % 5 + CASE WHEN i % 197 = 7 THEN 1 ELSE 0 END) % 3 + 1] AS variant
  FROM generate_series($1::bigint, $2::bigint) AS g(i)
), r AS (
  SELECT d.*, $3::text || ':' || d.device_id || ':1' AS request_id, 'dsp-commissioned-' || d.i AS report_id FROM d
), ev AS (
  INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
  SELECT e.stream_id, e.version, gen_random_uuid(), e.type, 1, e.data, e.metadata
  FROM r CROSS JOIN LATERAL (VALUES
    (1, 'device-' || r.device_id, 1, 'DevicePreNotified',
      jsonb_build_object('deviceId', r.device_id, 'requestId', r.request_id, 'sender', $4::jsonb, 'at', '2024-01-15T09:00:00.000Z',
        'serviceReference', '12.2', 'deviceType', 'ESME', 'manufacturer', r.manufacturer, 'model', r.model, 'firmwareVersion', '38040404',
        'smetsVersion', 'SMETS2', 'esmeVariant', r.variant, 'status', 'Pending'),
      jsonb_build_object('actor', $4::jsonb, 'correlationId', r.request_id, 'channel', 'kafka', 'requestId', r.request_id, 'sourceService', 'inventory')),
    (2, 'service-request-' || r.request_id, 1, 'ServiceRequestAnswered',
      jsonb_build_object('requestId', r.request_id, 'serviceReference', '12.2', 'deviceId', r.device_id, 'responseCode', 'I0',
        'message', 'device pre-notified with SMI status Pending', 'sender', $4::jsonb, 'channel', 'kafka', 'receivedAt', '2024-01-15T09:00:00.000Z'),
      jsonb_build_object('actor', $4::jsonb, 'correlationId', r.request_id, 'channel', 'kafka', 'requestId', r.request_id, 'sourceService', 'inventory')),
    (3, 'device-' || r.device_id, 2, 'DeviceStatusChanged',
      jsonb_build_object('deviceId', r.device_id, 'requestId', r.report_id, 'sender', $5::jsonb, 'at', '2024-02-01T09:00:00.000Z',
        'from', 'Pending', 'to', 'Commissioned', 'reason', 'commissioned'),
      jsonb_build_object('actor', $5::jsonb, 'correlationId', r.report_id, 'channel', 'kafka', 'requestId', r.report_id, 'sourceService', 'inventory'))
  ) AS e(ord, stream_id, version, type, data, metadata)
  ORDER BY r.i, e.ord
  RETURNING position, event_type, data
), devices AS (
  INSERT INTO smi_devices (device_id, device_type, manufacturer, model, firmware_version, smets_version, esme_variant, status,
    prenotifying_user, prenotifying_party, responsible_supplier, responsible_supplier_user, version, created_at, updated_at)
  SELECT device_id, 'ESME', manufacturer, model, '38040404', 'SMETS2', variant, 'Commissioned', $3, 'SUPPLIER-A', 'SUPPLIER-A', $3, 2, now(), now() FROM d
)
INSERT INTO smi_service_requests (request_id, device_id, service_reference, response_code, channel, sender_user_id, sender_party_id,
  sender_party_type, correlation_id, received_at, position)
SELECT data->>'requestId', data->>'deviceId', '12.2', 'I0', 'kafka', $3, 'SUPPLIER-A', 'supplier', data->>'requestId', '2024-01-15T09:00:00Z', position
FROM ev WHERE event_type = 'ServiceRequestAnswered'`;

async function seed(databaseUrl: string, print: (line: string) => void): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // The seed is the bench's set-up, not the service at work: commits need not wait for the disk here.
    await client.query(`SET synchronous_commit = off`);
    const started = performance.now();
    const batch = 50_000;
    for (let lo = 1; lo <= DEVICES; lo += batch) {
      await client.query(SEED_SQL, [lo, Math.min(DEVICES, lo + batch - 1), SUPPLIER_A.userId, JSON.stringify(SUPPLIER_A), JSON.stringify(DSP)]);
      process.stderr.write(`\rseeding: ${fmt(Math.min(DEVICES, lo + batch - 1))}/${fmt(DEVICES)} devices`);
    }
    // The seeded history counts as published long ago: the relay starts after it, as a running service would.
    await client.query(
      `INSERT INTO outbox_relay_checkpoints (relay, transaction_id, position, published)
       SELECT 'inventory', transaction_id, position, 0 FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1`,
    );
    const seeded = performance.now();
    // A service's tables are analysed and vacuumed by autovacuum long before they hold a million rows; a bulk load
    // gets it at once (statistics for the planner, the visibility map for index-only scans).
    await client.query(`VACUUM ANALYZE events, smi_devices, smi_service_requests`);
    const { rows } = await client.query<{ events: string; size: string }>(
      `SELECT (SELECT count(*) FROM events)::text AS events, pg_size_pretty(pg_database_size(current_database())) AS size`,
    );
    process.stderr.write('\n');
    print(`seeded ${fmt(DEVICES)} Commissioned SMETS2 ESMEs of SUPPLIER-A (${fmt(Number(rows[0].events))} events, database ${rows[0].size}) in ${fmt((seeded - started) / 1000, 1)} s, vacuum+analyze ${fmt((performance.now() - seeded) / 1000, 1)} s`);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------------

/** When each request's first event was recorded (the transaction's start), by correlation id (the request id). */
async function transactionStarts(databaseUrl: string, requestIds: string[]): Promise<Map<string, number>> {
  const client = new Client({ connectionString: databaseUrl, application_name: BENCH_APPLICATION_NAME });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; at: Date }>(
      `SELECT metadata->>'correlationId' AS id, min(recorded_at) AS at FROM events WHERE metadata->>'correlationId' = ANY($1::text[]) GROUP BY 1`,
      [requestIds],
    );
    return new Map(rows.map((row) => [row.id, row.at.getTime()]));
  } finally {
    await client.end();
  }
}

function inventoryEnv(databaseUrl: string, port: number): NodeJS.ProcessEnv {
  return serviceEnv('inventory', { databaseUrl, topicPrefix, port }, SERVICE_ENV);
}

function migrate(databaseUrl: string): void {
  migrateService('inventory', inventoryEnv(databaseUrl, 3004));
}

/**
 * The outbox relay reads only events of transactions older than the oldest transaction in flight on the WHOLE
 * PostgreSQL server (pg_snapshot_xmin, see docs/architecture.md), so a long transaction in any other database
 * holds back every response. This samples the oldest writing transaction outside the bench's database, so a
 * latency figure can be read next to what the server was doing meanwhile.
 */
class ForeignTransactions {
  private oldestMs = 0;
  private readonly client = new Client({ connectionString: serverUrl });
  private timer?: NodeJS.Timeout;

  async start(): Promise<void> {
    await this.client.connect();
    this.timer = setInterval(() => {
      this.client
        .query<{ age_ms: number | null }>(
          `SELECT max(extract(epoch FROM clock_timestamp() - xact_start) * 1000)::float8 AS age_ms FROM pg_stat_activity
           WHERE backend_xid IS NOT NULL AND datname <> $1`,
          [databaseName],
        )
        .then(({ rows }) => (this.oldestMs = Math.max(this.oldestMs, rows[0]?.age_ms ?? 0)))
        .catch(() => undefined);
    }, 100);
  }

  async stop(): Promise<number> {
    clearInterval(this.timer);
    await this.client.end();
    return this.oldestMs;
  }
}

function token(sub: string, party: string, partyType: 'dcc' | 'supplier'): Promise<string> {
  return mintLocalToken({
    secret: settings.AUTH_LOCAL_SECRET,
    issuer: settings.AUTH_ISSUER,
    audience: settings.AUTH_AUDIENCE,
    sub,
    party,
    partyType,
    roles: partyType === 'supplier' ? ['IS'] : [],
    expiresIn: '4h',
  });
}

async function getJson(url: string, bearer: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------------
// Kafka side: commands in, responses out
// ---------------------------------------------------------------------------------------------------

/** Every response on the service-responses topic, with the time it reached this process. */
class Responses {
  readonly receivedAt = new Map<string, number>();
  /** Kafka timestamp of each response (epoch ms): when the service's relay produced it. */
  readonly publishedAt = new Map<string, number>();
  readonly codes = new Map<string, number>();
  private waiters: Array<() => void> = [];

  constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topic: string): Promise<Responses> {
    const consumer = kafka.consumer({ groupId: `bench-responses-${runId}`, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 * 1024 * 1024 });
    const responses = new Responses(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const message of batch.messages) {
          const key = message.key?.toString('utf8');
          if (!key || responses.receivedAt.has(key)) continue;
          responses.receivedAt.set(key, now);
          responses.publishedAt.set(key, Number(message.timestamp));
          const code = (JSON.parse(message.value?.toString('utf8') ?? '{}') as { responseCode?: string }).responseCode ?? '?';
          responses.codes.set(code, (responses.codes.get(code) ?? 0) + 1);
        }
        for (const wake of responses.waiters.splice(0)) wake();
      },
    });
    await joined;
    return responses;
  }

  async waitFor(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.receivedAt.size < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.receivedAt.size} of ${count} responses after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 1000);
      });
    }
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

let counter = 1_000_000;

/** An SR8.4 for device i from supplier A over Kafka, keyed by Device ID as a DSP gateway sends it. */
function command(i: number, variant: string): { key: string; value: string; requestId: string } {
  const id = deviceId(i);
  const requestId = `${SUPPLIER_A.userId}:${id}:${++counter}`;
  return { key: id, requestId, value: JSON.stringify({ serviceReference: '8.4', requestId, deviceId: id, changes: { esmeVariant: variant }, sender: SUPPLIER_A }) };
}

async function sendAll(producer: Producer, topic: string, messages: Array<{ key: string; value: string }>): Promise<void> {
  await producer.send({ topic, acks: -1, messages });
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!args['no-build']) buildServices();
  const lines: string[] = [];
  const print = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  print(`inventory benchmark — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 1024 ** 3)} GiB; node ${process.version}; load average ${fmt(loadavg()[0], 2)} at start`);
  print(await serverSettingsLine());
  if (Object.keys(SERVICE_ENV).length > 0) print(`service settings: ${Object.entries(SERVICE_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`);

  const databaseUrl = databaseUrlFor(databaseName);
  if (args['reuse-seed']) await cloneSeed(databaseUrl, print);
  else {
    migrate(databaseUrl);
    await seed(databaseUrl, print);
  }

  let relayHolder: Client | undefined;
  if (args['hold-relay']) {
    relayHolder = new Client({ connectionString: databaseUrl });
    await relayHolder.connect();
    await relayHolder.query(`SELECT pg_advisory_lock(hashtextextended('outbox-relay:inventory', 0))`);
    print('the outbox relay is held on standby (--hold-relay): nothing is published to Kafka');
  }
  const service = await startService('inventory', (port) => inventoryEnv(databaseUrl, port), { readyWithinMs: 120_000, outputChunksKept: 200 });
  const pid = service.child.pid as number;
  const kafka = new Kafka({ clientId: `bench-${runId}`, brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const requestsTopic = `${topicPrefix}.inventory.service-requests`;
  let responses: Responses | undefined;
  const dcc = await token('dcc-bench', 'DCC', 'dcc');
  const supplier = await token(SUPPLIER_A.userId, SUPPLIER_A.partyId, 'supplier');
  try {
    print(`service RSS at rest with ${fmt(DEVICES)} devices: ${fmt(memoryKb(pid, 'VmRSS') / 1024)} MB`);
    await checkSeed(service.url, dcc);
    if (PHASES.has('r')) await outlierReport(service.url, dcc, supplier, print);
    responses = await Responses.start(kafka, `${topicPrefix}.inventory.service-responses`);

    // (a) Sustained rate: COMMANDS commands to distinct devices, produced as fast as the producer goes.
    if (PHASES.has('a')) {
      const first = BULK_ROWS + 1;
      const memory = new PeakMemory(pid);
      const cpu = await CpuMeter.start(pid, databaseName);
      const started = performance.now();
      const ids: string[] = [];
      const chunk = 5_000;
      for (let i = first; i < first + COMMANDS; i += chunk) {
        const batch = [];
        for (let j = i; j < Math.min(first + COMMANDS, i + chunk); j++) batch.push(command(j, `${modelLetter(j)}DE`));
        ids.push(...batch.map((m) => m.requestId));
        await sendAll(producer, requestsTopic, batch);
      }
      const produced = performance.now();
      await responses.waitFor(COMMANDS, 600_000);
      const peak = memory.stop();
      const used = await cpu.stop();
      const times = ids.map((id) => responses!.receivedAt.get(id) as number).sort((a, b) => a - b);
      const last = times[times.length - 1];
      const overall = COMMANDS / ((last - started) / 1000);
      const t10 = percentile(times, 10);
      const t90 = percentile(times, 90);
      const steady = (0.8 * COMMANDS) / ((t90 - t10) / 1000);
      const i0 = responses.codes.get('I0') ?? 0;
      print(`(a) ${fmt(COMMANDS)} SR8.4 over Kafka, produced in ${fmt((produced - started) / 1000, 1)} s; last response after ${fmt((last - started) / 1000, 1)} s`);
      print(`    completions: ${fmt(overall)}/s overall, ${fmt(steady)}/s sustained (10th→90th percentile of completions) (target ≥ ${fmt(TARGETS.sustained)}/s): ${steady >= TARGETS.sustained ? 'met' : 'MISSED'}`);
      print(`    answers: ${[...responses.codes.entries()].map(([code, n]) => `${code} ${fmt(n)}`).join(', ')}${i0 === COMMANDS ? '' : ' (expected every one I0)'}`);
      print(`    service peak memory (VmHWM${memory.resetWorked ? ', reset at the start of the phase' : ', since start'}): ${fmt(peak.hwmMb)} MB; sampled RSS peak ${fmt(peak.sampledMb)} MB`);
      print(`    CPU per command: service ${perUnit(used.service, COMMANDS)}, PostgreSQL ${perUnit(used.postgres, COMMANDS)}`);
    }

    // (b) Latency at a paced PACED_RATE/s: each command's time from produce to its response arriving here.
    if (PHASES.has('b')) {
      const first = BULK_ROWS + COMMANDS + 1;
      const total = PACED_RATE * PACED_SECONDS;
      const answeredBefore = responses.receivedAt.size;
      const memory = new PeakMemory(pid);
      const foreign = new ForeignTransactions();
      await foreign.start();
      const sentAt = new Map<string, number>();
      const sentEpoch = new Map<string, number>();
      const started = performance.now();
      let sent = 0;
      const inFlight: Array<Promise<void>> = [];
      while (sent < total) {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * PACED_RATE));
        if (due > sent) {
          const batch = [];
          for (let j = first + sent; j < first + due; j++) batch.push(command(j, `${modelLetter(j)}DE`));
          const now = performance.now();
          const epoch = Date.now();
          for (const m of batch) {
            sentAt.set(m.requestId, now);
            sentEpoch.set(m.requestId, epoch);
          }
          inFlight.push(sendAll(producer, requestsTopic, batch));
          sent = due;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await Promise.all(inFlight);
      await responses.waitFor(answeredBefore + total, 300_000);
      const peak = memory.stop();
      const foreignMs = await foreign.stop();
      const latencies = [...sentAt.entries()].map(([id, at]) => (responses!.receivedAt.get(id) as number) - at).sort((a, b) => a - b);
      const p99 = percentile(latencies, 99);
      print(`(b) ${fmt(total)} SR8.4 paced at ${fmt(PACED_RATE)}/s for ${PACED_SECONDS} s: latency produce → response p50 ${fmt(percentile(latencies, 50), 1)} ms, p95 ${fmt(percentile(latencies, 95), 1)} ms, p99 ${fmt(p99, 1)} ms, max ${fmt(latencies[latencies.length - 1], 1)} ms (target p99 < ${TARGETS.p99Ms} ms): ${p99 < TARGETS.p99Ms ? 'met' : 'MISSED'}`);
      const untilPublished = [...sentEpoch.entries()].map(([id, at]) => (responses!.publishedAt.get(id) as number) - at).sort((a, b) => a - b);
      print(`    of which until the service published the response (Kafka timestamp): p50 ${fmt(percentile(untilPublished, 50))} ms, p99 ${fmt(percentile(untilPublished, 99))} ms`);
      // Where the time before publication goes: until the command's transaction began (its events' recorded_at, the
      // transaction's start on the server's clock, which is this machine's) and from there until the response went out.
      const begun = await transactionStarts(databaseUrl, [...sentEpoch.keys()]);
      const stages = [...sentEpoch.entries()].filter(([id]) => begun.has(id)).map(([id, at]) => ({ queued: begun.get(id)! - at, publishing: (responses!.publishedAt.get(id) as number) - begun.get(id)! }));
      const queued = stages.map((stage) => stage.queued).sort((a, b) => a - b);
      const publishing = stages.map((stage) => stage.publishing).sort((a, b) => a - b);
      print(
        `    produce → the command's transaction began: p50 ${fmt(percentile(queued, 50))} ms, p99 ${fmt(percentile(queued, 99))} ms; ` +
          `transaction began → response published: p50 ${fmt(percentile(publishing, 50))} ms, p99 ${fmt(percentile(publishing, 99))} ms (${fmt(stages.length)} commands matched by correlation id)`,
      );
      print(`    service peak memory (VmHWM): ${fmt(peak.hwmMb)} MB; sampled RSS peak ${fmt(peak.sampledMb)} MB`);
      print(`    longest writing transaction seen meanwhile in other databases of the server: ${fmt(foreignMs)} ms`);
    }

    // (c) The backlog: BULK_ROWS corrections in one file, from the first byte uploaded until the job has completed.
    if (PHASES.has('c')) {
      const lines = ['Device ID,ESME Variant'];
      for (let i = 1; i <= BULK_ROWS; i++) lines.push(`${deviceId(i)},${modelLetter(i)}D`);
      const file = Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
      const memory = new PeakMemory(pid);
      const cpu = await CpuMeter.start(pid, databaseName);
      const started = performance.now();
      const upload = await fetch(`${service.url}/bulk-corrections`, {
        method: 'POST',
        headers: { authorization: `Bearer ${supplier}`, 'content-type': 'text/csv' },
        body: file,
      });
      const accepted = (await upload.json()) as { jobId?: string };
      const answered = performance.now();
      if (upload.status !== 202 || !accepted.jobId) throw new Error(`upload refused: ${upload.status} ${JSON.stringify(accepted)}`);
      let job: Record<string, unknown> = {};
      for (;;) {
        job = (await getJson(`${service.url}/bulk-corrections/${accepted.jobId}`, supplier)).body;
        if (job.status === 'completed' || job.status === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const finished = performance.now();
      const peak = memory.stop();
      const used = await cpu.stop();
      const seconds = (finished - started) / 1000;
      print(`(c) bulk correction of ${fmt(BULK_ROWS)} rows (${fmt(file.length / 1024 ** 2, 1)} MiB): upload answered 202 after ${fmt((answered - started) / 1000, 1)} s, job ${String(job.status)} after ${fmt(seconds, 1)} s = ${fmt(BULK_ROWS / seconds)} rows/s (target < ${TARGETS.bulkSeconds} s): ${seconds < TARGETS.bulkSeconds && job.status === 'completed' ? 'met' : 'MISSED'}`);
      print(`    counts: ${JSON.stringify(job.counts)}, repeated ${String(job.repeated)}`);
      print(`    CPU per row: service ${perUnit(used.service, BULK_ROWS)}, PostgreSQL ${perUnit(used.postgres, BULK_ROWS)}`);
      print(`    service peak memory (VmHWM): ${fmt(peak.hwmMb)} MB; sampled RSS peak ${fmt(peak.sampledMb)} MB (target < ${TARGETS.memoryMb} MB): ${Math.max(peak.hwmMb, peak.sampledMb) < TARGETS.memoryMb ? 'met' : 'MISSED'}`);
      if (!relayHolder) {
        const relay = await waitForRelay(service.url, dcc, 600_000);
        print(`    relay: every event published to Kafka ${fmt((relay - finished) / 1000, 1)} s after the job completed`);
      }
    }
    if (PHASES.has('r')) await outlierReport(service.url, dcc, supplier, print);
  } catch (error) {
    if (service.child.exitCode !== null) process.stderr.write(`the service exited with ${service.child.exitCode}; its last output:\n${service.output.join('')}\n`);
    throw error;
  } finally {
    await responses?.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await stopService(service.child, 30_000);
    await relayHolder?.end();
    if (!args.keep) await dropDatabaseAndTopics(databaseName, topicPrefix);
    else process.stderr.write(`kept database ${databaseName} and topics ${topicPrefix}.*\n`);
  }
  print(`load average ${fmt(loadavg()[0], 2)} at end`);
  process.stderr.write(`\n${lines.length} lines printed above; paste them into bench/README.md with the command.\n`);
}

/** One seeded device read back through the service: its row, and its stream folded by the decider (asOf), agree. */
async function checkSeed(url: string, dcc: string): Promise<void> {
  const id = deviceId(7);
  const current = await getJson(`${url}/devices/${id}`, dcc);
  const folded = await getJson(`${url}/devices/${id}?asOf=${encodeURIComponent(new Date().toISOString())}`, dcc);
  const { asOf: _asOf, ...fromEvents } = folded.body;
  if (current.status !== 200 || JSON.stringify(fromEvents) !== JSON.stringify(current.body)) {
    throw new Error(`the seed is not what the service would have written: ${JSON.stringify(current.body)} vs ${JSON.stringify(folded.body)}`);
  }
}

async function outlierReport(url: string, dcc: string, supplier: string, print: (line: string) => void): Promise<void> {
  const timings: string[] = [];
  let body: Record<string, unknown> = {};
  for (const [who, bearer] of [
    ['DCC', dcc],
    ['DCC', dcc],
    ['SUPPLIER-A', supplier],
  ] as const) {
    const started = performance.now();
    const response = await getJson(`${url}/reports/variant-outliers?limit=100`, bearer);
    timings.push(`${who} ${fmt(performance.now() - started)} ms`);
    if (response.status !== 200) throw new Error(`outlier report: ${response.status} ${JSON.stringify(response.body)}`);
    body = response.body;
  }
  const groups = body.groups as Array<{ outliers: number }>;
  const outliers = groups.reduce((n, g) => n + g.outliers, 0);
  print(`variant outlier report over ${fmt(DEVICES)} devices (${fmt(outliers)} outliers in ${groups.length} models, first page of 100): ${timings.join(', ')}`);
}

async function waitForRelay(url: string, dcc: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await getJson(`${url}/ops/relay`, dcc);
    if (body.backlog === 0) return performance.now();
    if (Date.now() > deadline) throw new Error(`relay backlog ${String(body.backlog)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Development shortcut: the seeded database kept as a template, cloned for each run (a file copy, not a seed). */
async function cloneSeed(databaseUrl: string, print: (line: string) => void): Promise<void> {
  const template = `bench_inventory_seed_${DEVICES}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [template])).rowCount;
    if (!exists) {
      migrate(databaseUrlFor(template));
      await seed(databaseUrlFor(template), print);
    }
    const started = performance.now();
    await admin.query(`CREATE DATABASE "${databaseName}" TEMPLATE "${template}"`);
    print(`cloned the seeded database ${template} in ${fmt((performance.now() - started) / 1000, 1)} s (--reuse-seed)`);
  } finally {
    await admin.end();
  }
  migrate(databaseUrl);
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
