// Event store and outbox relay throughput on the real PostgreSQL and Kafka, against a raw COPY baseline and
// the peer @castore/event-storage-adapter-postgres. `npm run bench -- event-store [options]`; see README.md.
import { telemetryEnabled } from './support/instrument'; // must stay the first import
import { GroupedEvent } from '@castore/core';
import { PostgresEventStorageAdapter } from '@castore/event-storage-adapter-postgres';
import { copyFromStdin, copyText, EVENT_STORE_MIGRATIONS, NO_STREAM, PostgresEventStore, type AppendRequest, type NewEvent } from '@smi/event-store';
import { KafkaClient, type GroupConsumer } from '@smi/kafka';
import { OUTBOX_RELAY_MIGRATIONS, OutboxRelay } from '@smi/outbox-relay';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { fmt, percentile, pool, rate, table, timed, type PhaseResult } from './support/measure';
import { CpuMeter } from './support/process-meters';
import { adminQuery, brokers, databaseUrlFor, runId, serverSettingsLine } from './support/system-under-test';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    writers: { type: 'string', default: '10' },
    'batch-writers': { type: 'string', default: '2' },
    'batch-size': { type: 'string', default: '500' },
    'steady-rate': { type: 'string', default: '2000' },
    'steady-seconds': { type: 'string', default: '10' },
    'no-telemetry': { type: 'boolean', default: false },
  },
});
const scale = Number(args.scale);
const SINGLE_EVENTS = Math.round(20_000 * scale);
const BATCH_SIZE = Number(args['batch-size']);
const BATCHED_EVENTS = Math.round((200_000 * scale) / BATCH_SIZE) * BATCH_SIZE;
const WRITERS = Number(args.writers);
const BATCH_WRITERS = Number(args['batch-writers']);
const STEADY_RATE = Number(args['steady-rate']);
const STEADY_EVENTS = Math.round(STEADY_RATE * Number(args['steady-seconds']));
const POOL_SIZE = 10;
const STEADY_IN_FLIGHT = POOL_SIZE - 2;

const databaseName = `bench_event_store_${runId}`;

/**
 * A timed phase with its CPU: this process (the store's code, the drivers, the relay and the consumer run here) and
 * the PostgreSQL backends of the bench's database, per event. Far steadier than the rate on a shared machine.
 */
async function costed(label: string, total: number, run: (advance: (n?: number) => void) => Promise<void>, note?: string): Promise<PhaseResult> {
  const meter = await CpuMeter.start(process.pid, databaseName);
  const result = await timed(label, total, run, note);
  const cpu = await meter.stop();
  return { ...result, cpuMicrosPerEvent: { process: (cpu.service * 1e6) / total, postgres: (cpu.postgres * 1e6) / total } };
}
const topic = `bench_${runId}.events`;

const EVENT_TYPE = 'EsmeVariantCorrected';
const actor = { userId: '90-B3-D5-1F-30-00-00-01', partyId: 'SUP-NORTHERN', partyType: 'supplier', roles: ['inventory.write'] };
// Length of what the store adds at append when a span is active, so the COPY rows are as wide as the real ones.
const SAMPLE_TRACEPARENT = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;

/** A realistic event body (~230 bytes of JSON): an ESME Variant correction. */
function eventData(i: number): Record<string, unknown> {
  return {
    deviceId: `00-0D-6F-00-${(i >>> 16).toString(16).padStart(2, '0')}-${((i >>> 8) & 255).toString(16).padStart(2, '0')}-${(i & 255).toString(16).padStart(2, '0')}-01`,
    mpxn: String(1_000_000_000_000 + i),
    previousVariant: 'A',
    esmeVariant: 'B',
    firmwareVersion: '1A2B3C4D',
    reason: 'Commissioned with the wrong variant; corrected after SR12.2 pre-notification',
    correctedAt: new Date(1_735_689_600_000 + i * 1000).toISOString(),
  };
}

const newEvent = (i: number): NewEvent => ({ type: EVENT_TYPE, data: eventData(i) });
const appendMetadata = () => ({ correlationId: randomUUID(), actor });
const storedMetadata = () => ({ ...appendMetadata(), sourceService: 'bench', ...(telemetryEnabled ? { traceparent: SAMPLE_TRACEPARENT } : {}) });

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

interface Latency {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

function latencyOf(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  return { samples: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  const results: PhaseResult[] = [];
  const latencies: Array<{ label: string; latency: Latency }> = [];
  const cleanups: Array<() => Promise<unknown>> = [];

  await adminQuery(`CREATE DATABASE "${databaseName}"`);
  const url = databaseUrlFor(databaseName);
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    poolSize: POOL_SIZE,
    migrations: [...EVENT_STORE_MIGRATIONS, ...OUTBOX_RELAY_MIGRATIONS],
    // The store is what is measured here: its backends count as PostgreSQL's CPU (a bench's own connections do not).
    applicationName: 'event-store-under-test',
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  const store = new PostgresEventStore(dataSource, { sourceService: 'bench' });
  const [{ server_version: pgVersion }] = (await dataSource.query(`SHOW server_version`)) as Array<{ server_version: string }>;
  // Each timed phase starts from a clean buffer state, not from the previous phase's dirty pages.
  const checkpoint = () => dataSource.query('CHECKPOINT');

  try {
    // 1. One event per transaction, as a command handler appends.
    await checkpoint();
    results.push(
      await costed(`append: 1 event/tx, ${WRITERS} writers`, SINGLE_EVENTS, (advance) =>
        pool(SINGLE_EVENTS, WRITERS, async (i) => {
          await store.append(`device-${randomUUID()}`, [newEvent(i)], NO_STREAM, appendMetadata());
          advance();
        }),
      ),
    );

    // 2. appendMany: many streams, one event each, one transaction and one INSERT per batch.
    await checkpoint();
    results.push(
      await costed(`appendMany: ${BATCH_SIZE} streams/tx, ${BATCH_WRITERS} writers`, BATCHED_EVENTS, (advance) =>
        pool(BATCHED_EVENTS / BATCH_SIZE, BATCH_WRITERS, async (batch) => {
          const requests: AppendRequest[] = [];
          for (let j = 0; j < BATCH_SIZE; j++) {
            requests.push({ streamId: `device-${randomUUID()}`, events: [newEvent(batch * BATCH_SIZE + j)], expectedVersion: NO_STREAM });
          }
          await store.appendMany(requests, appendMetadata());
          advance(BATCH_SIZE);
        }),
      ),
    );

    // 3. Baselines: the same rows into an identically shaped table (same columns, defaults, constraints,
    // indexes) with no event-store logic at all.
    await dataSource.query(`CREATE TABLE events_copy (LIKE events INCLUDING ALL)`);
    const copyRow = (i: number) =>
      [`device-${randomUUID()}`, 1, randomUUID(), EVENT_TYPE, 1, JSON.stringify(eventData(i)), JSON.stringify(storedMetadata())].map((value) => copyText(String(value))).join('\t') + '\n';
    // Rows are rendered before the clock starts, so the baseline measures PostgreSQL ingesting them and nothing else.
    const renderChunks = (count: number, rowsPerChunk: number) => {
      const chunks: Buffer[] = [];
      for (let start = 0; start < count; start += rowsPerChunk) {
        let text = '';
        for (let i = start; i < Math.min(count, start + rowsPerChunk); i++) text += copyRow(i);
        chunks.push(Buffer.from(text));
      }
      return chunks;
    };
    const COPY = `COPY events_copy (stream_id, stream_version, event_id, event_type, schema_version, data, metadata) FROM STDIN`;
    const copyClient = new Client({ connectionString: url });
    await copyClient.connect();
    cleanups.push(() => copyClient.end());

    const wholeCopy = renderChunks(BATCHED_EVENTS, 1000);
    await checkpoint();
    results.push(
      await costed('raw COPY: one statement, all rows', BATCHED_EVENTS, async (advance) => {
        const copied = await copyFromStdin(copyClient, COPY, wholeCopy);
        if (copied !== BATCHED_EVENTS) throw new Error(`COPY wrote ${copied} rows, expected ${BATCHED_EVENTS}`);
        advance(copied);
      }),
    );
    wholeCopy.length = 0;

    const batchCopies = renderChunks(BATCHED_EVENTS, BATCH_SIZE);
    const copyClients = await Promise.all(
      Array.from({ length: BATCH_WRITERS }, async () => {
        const client = new Client({ connectionString: url });
        await client.connect();
        cleanups.push(() => client.end());
        return client;
      }),
    );
    await checkpoint();
    results.push(
      await costed(`raw COPY: ${BATCH_SIZE} rows/tx, ${BATCH_WRITERS} writers`, BATCHED_EVENTS, async (advance) => {
        let next = 0;
        await Promise.all(
          copyClients.map(async (client) => {
            for (let chunk = next++; chunk < batchCopies.length; chunk = next++) advance(await copyFromStdin(client, COPY, [batchCopies[chunk]]));
          }),
        );
      }),
    );
    batchCopies.length = 0;

    await checkpoint();
    results.push(
      await costed(`raw INSERT…unnest: ${BATCH_SIZE} rows/tx, ${BATCH_WRITERS} writers`, BATCHED_EVENTS, (advance) =>
        pool(BATCHED_EVENTS / BATCH_SIZE, BATCH_WRITERS, async (batch) => {
          const columns: [string[], string[], string[], string[]] = [[], [], [], []];
          for (let j = 0; j < BATCH_SIZE; j++) {
            columns[0].push(`device-${randomUUID()}`);
            columns[1].push(randomUUID());
            columns[2].push(JSON.stringify(eventData(batch * BATCH_SIZE + j)));
            columns[3].push(JSON.stringify(storedMetadata()));
          }
          await dataSource.query(
            `INSERT INTO events_copy (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
             SELECT s, 1, e, $5, 1, d, m FROM unnest($1::text[], $2::uuid[], $3::jsonb[], $4::jsonb[]) AS u(s, e, d, m)`,
            [...columns, EVENT_TYPE],
          );
          advance(BATCH_SIZE);
        }),
      ),
    );

    // 4. The peer, on the same server and database, with its own table and its own client (pool of 10).
    const { tableName } = await PostgresEventStorageAdapter.createEventTable({ connectionString: url, tableName: 'castore_events' });
    const peer = new PostgresEventStorageAdapter({ connectionString: url, tableName });
    cleanups.push(() => (peer as unknown as { _sql: { end(): Promise<void> } })._sql.end());
    const eventStoreId = 'devices';
    const peerEvent = (i: number) => ({ aggregateId: randomUUID(), version: 1, type: EVENT_TYPE, payload: eventData(i), metadata: storedMetadata() });

    await checkpoint();
    results.push(
      await costed(`peer pushEvent: 1 event/tx, ${WRITERS} writers`, SINGLE_EVENTS, (advance) =>
        pool(SINGLE_EVENTS, WRITERS, async (i) => {
          await peer.pushEvent(peerEvent(i), { eventStoreId });
          advance();
        }),
      ),
    );

    await checkpoint();
    results.push(
      await costed(`peer pushEventGroup: ${BATCH_SIZE} events/tx, ${BATCH_WRITERS} writers`, BATCHED_EVENTS, (advance) =>
        pool(BATCHED_EVENTS / BATCH_SIZE, BATCH_WRITERS, async (batch) => {
          const group = Array.from(
            { length: BATCH_SIZE },
            (_, j) => new GroupedEvent({ event: peerEvent(batch * BATCH_SIZE + j), eventStorageAdapter: peer, context: { eventStoreId } }),
          );
          const [first, ...rest] = group;
          await peer.pushEventGroup({}, first, ...rest);
          advance(BATCH_SIZE);
        }),
      ),
    );

    // 5. The relay: everything appended above, from the start of the store into a fresh topic.
    const kafka = new KafkaClient({ brokers, clientId: 'bench' });
    cleanups.push(() => kafka.disconnect());
    await kafka.ensureTopics([{ name: topic, partitions: 6 }]);
    cleanups.push(async () => {
      // Our Kafka port has no topic deletion on purpose (services must never delete topics); the bench cleans up with kafkajs itself.
      const admin = new Kafka({ brokers, clientId: 'bench-cleanup', logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        await admin.deleteTopics({ topics: [topic] });
      } finally {
        await admin.disconnect();
      }
    });
    const producer = await kafka.producer();
    const [{ count: storedCount }] = (await dataSource.query(`SELECT count(*)::int AS count FROM events`)) as Array<{ count: number }>;
    const [end] = (await dataSource.query(
      `SELECT transaction_id::text AS "transactionId", position::text AS position FROM events ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1`,
    )) as Array<{ transactionId: string; position: string }>;
    const relay = new OutboxRelay({ name: 'bench', dataSource, store, producer, topicFor: () => topic, source: 'urn:smi:service:bench', pollIntervalMs: 200 });
    cleanups.push(() => relay.stop());

    await checkpoint();
    results.push(
      await costed('relay: store → Kafka (acks=all)', storedCount, async (advance) => {
        relay.start();
        let reported = 0;
        await waitUntil(
          'the relay checkpoint to reach the end of the store',
          () => {
            const status = relay.status();
            advance(status.publishedSinceStart - reported);
            reported = status.publishedSinceStart;
            if (status.lastError) throw new Error(`relay failed: ${status.lastError}`);
            return status.checkpoint.transactionId === end.transactionId && status.checkpoint.position === end.position;
          },
          600_000,
        );
      }),
    );

    // 6. End-to-end latency: a consumer reads the topic while appends go on at a steady rate.
    const received = { all: 0 };
    const receivedAt = new Map<string, { wallMs: number; recordedAtMs: number }>();
    const consumer: GroupConsumer = kafka.createConsumer({ groupId: `bench_${runId}`, topics: [topic], fromBeginning: true, partitionsConsumedConcurrently: 6 });
    cleanups.push(() => consumer.stop());
    const catchUp = await costed('consumer catch-up: read the relayed topic', storedCount, async (advance) => {
      await consumer.start(async (batch) => {
        const wallMs = performance.timeOrigin + performance.now();
        for (const message of batch.messages) {
          if (message.key?.startsWith('steady-')) receivedAt.set(message.headers.ce_id, { wallMs, recordedAtMs: Date.parse(message.headers.ce_time) });
        }
        received.all += batch.messages.length;
        advance(batch.messages.length);
        if (batch.messages.length > 0) await batch.commit(batch.messages[batch.messages.length - 1].offset);
      });
      await waitUntil('the consumer to read every relayed event', () => received.all >= storedCount, 300_000);
    });
    results.push({ ...catchUp, note: 'informative: Kafka consumer read rate' });

    const committedAt = new Map<string, number>();
    const steady = await costed(`steady appends: ${fmt(STEADY_RATE)}/s for ${args['steady-seconds']} s, 1 event/tx`, STEADY_EVENTS, async (advance) => {
      const inFlight = new Set<Promise<void>>();
      const started = performance.now();
      let issued = 0;
      while (issued < STEADY_EVENTS) {
        const due = Math.min(STEADY_EVENTS, Math.floor(((performance.now() - started) / 1000) * STEADY_RATE));
        // At most STEADY_IN_FLIGHT appends wait for a connection, so the relay's own queries are never stuck behind a
        // queue of appends in the shared pool: if the store cannot keep up, the achieved rate shows it, not the latency.
        for (; issued < due && inFlight.size < STEADY_IN_FLIGHT; issued++) {
          const i = issued;
          const append = store.append(`steady-${randomUUID()}`, [newEvent(i)], NO_STREAM, appendMetadata()).then((result) => {
            committedAt.set(result.events[0].eventId, performance.timeOrigin + performance.now());
            advance();
          });
          inFlight.add(append);
          void append.finally(() => inFlight.delete(append));
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await Promise.all(inFlight);
    });
    results.push({ ...steady, note: `offered ${fmt(STEADY_RATE)}/s, at most ${STEADY_IN_FLIGHT} in flight` });
    await waitUntil('the consumer to receive every steady event', () => receivedAt.size >= STEADY_EVENTS, 120_000, 20);
    const fromRecordedAt: number[] = [];
    const fromCommit: number[] = [];
    for (const [eventId, seen] of receivedAt) {
      fromRecordedAt.push(seen.wallMs - seen.recordedAtMs);
      const committed = committedAt.get(eventId);
      if (committed !== undefined) fromCommit.push(seen.wallMs - committed);
    }
    latencies.push({ label: 'recordedAt (transaction start) → consumer receives', latency: latencyOf(fromRecordedAt) });
    latencies.push({ label: 'append resolved (commit acknowledged) → consumer receives', latency: latencyOf(fromCommit) });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => process.stderr.write(`cleanup: ${error.message}\n`));
    await dataSource.destroy();
    await adminQuery(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  }

  const byLabel = (prefix: string) => results.find((r) => r.label.startsWith(prefix));
  const batched = byLabel('appendMany')!;
  const [wholeCopy, batchCopy] = results.filter((r) => r.label.startsWith('raw COPY'));
  const peerBatched = byLabel('peer pushEventGroup')!;
  const peerSingle = byLabel('peer pushEvent:')!;
  const single = byLabel('append: ')!;
  const relayResult = byLabel('relay')!;

  const out: string[] = [];
  out.push(
    `event-store benchmark — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
      `Node ${process.version}, PostgreSQL ${pgVersion}, Kafka ${brokers.join(',')}, pool ${POOL_SIZE}, telemetry ${telemetryEnabled ? 'on' : 'off'}, scale ${scale}, ` +
      `load average ${loadAtStart.toFixed(2)} at start / ${loadavg()[0].toFixed(2)} at end`,
  );
  out.push(await serverSettingsLine());
  out.push('');
  out.push(
    table(
      ['phase', 'events', 'seconds', 'events/s', 'CPU µs/event: bench process', 'PostgreSQL', 'note'],
      results.map((r) => [
        r.label,
        fmt(r.events),
        fmt(r.seconds, 2),
        fmt(rate(r)),
        r.cpuMicrosPerEvent ? fmt(r.cpuMicrosPerEvent.process, 1) : '',
        r.cpuMicrosPerEvent ? fmt(r.cpuMicrosPerEvent.postgres, 1) : '',
        r.note ?? '',
      ]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['end-to-end latency (steady phase)', 'samples', 'p50 ms', 'p99 ms', 'max ms'],
      latencies.map(({ label, latency }) => [label, fmt(latency.samples), fmt(latency.p50, 1), fmt(latency.p99, 1), fmt(latency.max, 1)]),
    ),
  );
  out.push('');
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const copyRatio = rate(batched) / rate(wholeCopy);
  out.push(
    table(
      ['target', 'measured', 'result'],
      [
        ['appendMany ≥ ½ raw COPY (one statement)', `${fmt(copyRatio * 100)} % of COPY`, verdict(copyRatio >= 0.5)],
        [`(for reference) appendMany vs COPY ${BATCH_SIZE} rows/tx`, `${fmt((rate(batched) / rate(batchCopy)) * 100)} % of COPY`, ''],
        ['appendMany ahead of peer pushEventGroup', `${fmt(rate(batched) / rate(peerBatched), 1)} ×`, verdict(rate(batched) > rate(peerBatched))],
        ['(for reference) append vs peer pushEvent', `${fmt(rate(single) / rate(peerSingle), 1)} ×`, ''],
        ['relay ≥ 20,000 events/s', `${fmt(rate(relayResult))} /s`, verdict(rate(relayResult) >= 20_000)],
      ],
    ),
  );
  process.stdout.write(`\n${out.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
