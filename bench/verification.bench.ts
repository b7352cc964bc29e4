// Cases from intake: the compiled verification service as its own process on a fresh database and topic prefix,
// a provider file's worth of ItemSubmitted events already on its intake.events topic, timed from the service
// being ready until every item has its case. `npm run bench -- verification [options]`; see README.md.
import { Kafka, logLevel } from 'kafkajs';
import { createHash, randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { fmt } from './support/measure';
import { brokers, buildServices, cpuSeconds, databaseUrlFor, dropDatabaseAndTopics, runId, serviceEnv, startService, stopService } from './support/system-under-test';

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    'no-build': { type: 'boolean', default: false },
  },
});
const ITEMS = Number(args.items);
const PARTITIONS = 6;
const AT = new Date().toISOString();
const ACTOR = JSON.stringify({ userId: 'bench-uploader', partyId: 'MFR-BENCH', partyType: 'manufacturer', roles: [] });

/** A message as intake's relay publishes it: CloudEvents headers, the event's data as the value, keyed by its stream. */
function message(type: string, streamId: string, data: unknown) {
  const id = randomUUID();
  return {
    key: streamId,
    value: JSON.stringify(data),
    headers: { ce_specversion: '1.0', ce_id: id, ce_type: type, ce_source: 'intake', ce_subject: streamId, ce_time: AT, 'content-type': 'application/json', correlation_id: 'bench-upload', stream_version: '1', schema_version: '1', actor: ACTOR },
  };
}

function item(i: number, submissionId: string) {
  const identifier = String(i + 1);
  return message('ItemSubmitted', `item-MFR-BENCH-${identifier}`, {
    submissionId,
    providerPartyId: 'MFR-BENCH',
    identifier,
    make: 'Bench Metering',
    model: `BM-${100 + (i % 40)}`,
    firmwareVersion: (0x00020000 + (i % 997)).toString(16).toUpperCase().padStart(8, '0'),
    deviceType: ['ESME', 'GSME', 'PPMID', 'IHD'][i % 4],
    source: 'Device Manufacturer',
    statusOfInformation: 'Defect',
    dateLastUpdated: '2026-02-27',
    fixAvailable: false,
    fixInformation: null,
    contentHash: createHash('sha256').update(`bench/${identifier}`).digest('hex'),
    submittedAt: AT,
  });
}

/** The party and the file's items on `<prefix>.intake.events` before the service starts, so that only its catch-up is timed. */
async function produce(topic: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-intake', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, configEntries: [{ name: 'retention.ms', value: '-1' }] }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const party = { partyId: 'MFR-BENCH', name: 'Bench Metering Ltd', partyType: 'manufacturer', makes: ['Bench Metering'], registeredAt: AT };
    await producer.send({ topic, messages: [message('PartyRegistered', 'party-MFR-BENCH', party)] });
    const submissionId = randomUUID();
    for (let start = 0; start < ITEMS; start += 5_000) {
      const messages = [];
      for (let i = start; i < Math.min(start + 5_000, ITEMS); i++) messages.push(item(i, submissionId));
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

async function main(): Promise<void> {
  if (!args['no-build']) buildServices();
  const databaseName = `bench_verification_${runId}`.toLowerCase();
  const topicPrefix = `bench_verification_${runId}`;
  const load = () => loadavg()[0].toFixed(2);
  console.log(`verification benchmark — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 1024 ** 3)} GiB, node ${process.version}, load average ${load()} at start`);
  const producing = performance.now();
  await produce(`${topicPrefix}.intake.events`);
  console.log(`produced ${fmt(ITEMS)} ItemSubmitted in ${fmt((performance.now() - producing) / 1000, 1)} s`);

  const service = await startService('verification', (port) => serviceEnv('verification', { databaseUrl: databaseUrlFor(databaseName), topicPrefix, port }), {
    readyWithinMs: 90_000,
    outputChunksKept: 100,
  });
  const db = new Client({ connectionString: databaseUrlFor(databaseName) });
  try {
    await db.connect();
    const pid = service.child.pid as number;
    const cpuBefore = cpuSeconds(pid);
    const started = performance.now();
    for (;;) {
      const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM cases`)).rows;
      if (n >= ITEMS) break;
      if (service.child.exitCode !== null) throw new Error(`the service exited:\n${service.output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpuBefore;
    const [{ transactions, assigned }] = (
      await db.query(`SELECT (SELECT count(DISTINCT transaction_id) FROM events)::int AS transactions, (SELECT count(*) FROM cases WHERE accountable_party_id = 'MFR-BENCH')::int AS assigned`)
    ).rows;
    const [{ dead }] = (await db.query(`SELECT count(*)::int AS dead FROM consumer_dead_letters`)).rows;
    console.log(`cases opened: ${fmt(ITEMS)} in ${fmt(seconds, 2)} s = ${fmt(ITEMS / seconds)} items/s (from the service ready; poll every 200 ms)`);
    console.log(`service CPU: ${fmt(cpu, 1)} s = ${fmt((cpu / ITEMS) * 1e6)} µs per item; ${fmt(transactions)} transactions; ${fmt(assigned)} cases with the manufacturer; ${fmt(dead)} dead letters`);
    console.log(`load average ${load()} at end`);
  } finally {
    await db.end().catch(() => undefined);
    await stopService(service.child, 20_000);
    await dropDatabaseAndTopics(databaseName, topicPrefix);
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
