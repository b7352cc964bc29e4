import { Actor } from '@smi/auth';
import { eventSchemaErrors } from '@smi/contracts';
import { GlobalCheckpoint, handleCommand, PostgresEventStore } from '@smi/event-store';
import { PLATFORM_MIGRATIONS } from '@smi/service-runtime';
import { createTestDatabase, TestDatabase } from '@smi/testing';
import { DataSource } from 'typeorm';
import { Sender, deviceDecider } from '../device-aggregate';
import { DeviceWriter } from '../device-writer/device-writer';
import { INVENTORY_MIGRATIONS } from '../migrations';
import { bulkCorrectionDecider } from './bulk-correction.decider';
import { projectBulkCorrection } from './bulk-correction.projection';
import { BatchOutcome, BulkCorrectionWorker } from './bulk-correction.worker';
import { BulkCorrectionsHandler, FILE_CHUNK_BYTES } from './bulk-corrections.handler';
import { BulkCorrectionsQueries } from './bulk-corrections.queries';
import { CorrectionFileProblem } from './correction-file';
import { CorrectionUpload } from './correction-upload';

const A: Actor = { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };
const DSP: Sender = { userId: 'dsp-integration', partyId: 'DSP', partyType: 'dsp', roles: [] };
const SETTINGS = { INVENTORY_BULK_BATCH_SIZE: 3, INVENTORY_BULK_POLL_INTERVAL_MS: 100 };

let deviceSeq = 0x100;
const newDevice = () => `00-DB-12-34-56-78-${(++deviceSeq).toString(16).toUpperCase().padStart(4, '0').replace(/^(..)/, '$1-')}`;

function upload(text: string | Buffer, chunk = 64 * 1024): CorrectionUpload {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  async function* pieces(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  return { fileName: 'corrections.csv', bytes: pieces() };
}

/**
 * The background job against the real PostgreSQL: batches are all or nothing, a job goes on from its last
 * processed row after a restart (a new worker), two workers never run one batch, a row decided twice changes
 * nothing, and a refused upload leaves nothing behind.
 */
describe('bulk corrections against PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let writer: DeviceWriter;
  let queries: BulkCorrectionsQueries;
  const workers: BulkCorrectionWorker[] = [];

  const worker = () => {
    const created = new BulkCorrectionWorker(dataSource, store, writer, SETTINGS);
    workers.push(created);
    return created;
  };
  const handler = (lanes = 2) => new BulkCorrectionsHandler(dataSource, store, worker(), { INVENTORY_BULK_LANES: lanes });

  /** Commissioned SMETS2 ESMEs of supplier A, variant A. */
  async function esmes(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, newDevice);
    let counter = 1;
    const at = new Date().toISOString();
    await writer.write(dataSource, [
      ...ids.map((deviceId) => ({
        kind: 'service-request' as const,
        channel: 'http' as const,
        correlationId: 'setup',
        command: {
          type: 'PreNotifyDevice' as const,
          requestId: `${A.userId}:${deviceId}:${counter++}`,
          deviceId,
          sender: A as Sender,
          at,
          deviceType: 'ESME' as const,
          manufacturer: '1063',
          model: '00050203',
          firmwareVersion: '38040404',
          smetsVersion: 'SMETS2' as const,
          esmeVariant: 'A' as const,
        },
      })),
      ...ids.map((deviceId) => ({
        kind: 'report' as const,
        channel: 'http' as const,
        correlationId: 'setup',
        command: { type: 'ChangeDeviceStatus' as const, requestId: `dsp-${deviceId}`, deviceId, sender: DSP, at, to: 'Commissioned' as const, reason: 'commissioned' },
      })),
    ]);
    return ids;
  }

  const fileFor = (ids: string[], variant = 'B') => `Device ID,ESME Variant\r\n${ids.map((id) => `${id},${variant}`).join('\r\n')}\r\n`;
  const corrections = async (ids: string[]) =>
    Number((await dataSource.query(`SELECT count(*)::int AS n FROM events WHERE event_type = 'EsmeVariantCorrected' AND stream_id = ANY($1)`, [ids.map((id) => `device-${id}`)]))[0].n);
  const resultRows = async (jobId: string) =>
    (await dataSource.query(`SELECT row_no, response_code, repeated FROM bulk_correction_rows WHERE job_id = $1 ORDER BY row_no`, [jobId])) as Array<{
      row_no: number;
      response_code: string;
      repeated: boolean;
    }>;

  async function runToEnd(jobId: string, ...by: BulkCorrectionWorker[]): Promise<BatchOutcome[]> {
    const outcomes: BatchOutcome[] = [];
    for (let i = 0; ; i++) {
      const outcome = await by[i % by.length].processBatch(jobId);
      outcomes.push(outcome);
      if (outcome === 'completed' || outcome === 'inactive' || outcome === 'failed') return outcomes;
      if (i > 1000) throw new Error('the job does not finish');
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('inventory_bulk');
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: [...PLATFORM_MIGRATIONS, ...INVENTORY_MIGRATIONS], poolSize: 10 }).initialize();
    await dataSource.runMigrations();
    store = new PostgresEventStore(dataSource, { sourceService: 'inventory' });
    writer = new DeviceWriter(store, deviceDecider);
    queries = new BulkCorrectionsQueries(dataSource);
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('goes on from the last processed row after a restart: every row answered once, every device corrected once', async () => {
    const ids = await esmes(10);
    const job = await handler(1).accept(upload(fileFor(ids)), A, 'upload-1');
    expect(job).toMatchObject({ status: 'queued', totalRows: 10, processedRows: 0 });

    const before = worker();
    expect(await before.processBatch(job.jobId)).toBe('progressed');
    expect(await before.processBatch(job.jobId)).toBe('progressed');
    expect(await queries.get(job.jobId, A)).toMatchObject({ status: 'running', processedRows: 6, counts: { I0: 6 } });

    // A new process: no cursor, no memory of the job; it starts from the stored progress.
    const after = worker();
    expect(await runToEnd(job.jobId, after)).toEqual(['progressed', 'completed']);
    const done = await queries.get(job.jobId, A);
    expect(done).toMatchObject({ status: 'completed', totalRows: 10, processedRows: 10, counts: { I0: 10 }, repeated: 0 });
    expect((await resultRows(job.jobId)).map((r) => r.row_no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await corrections(ids)).toBe(10);

    const events = await store.readStream(`bulk-correction-${job.jobId}`);
    expect(events.map((e) => [e.type, e.metadata.correlationId])).toEqual([
      ['BulkCorrectionAccepted', 'upload-1'],
      ['BulkCorrectionCompleted', 'upload-1'],
    ]);
    expect(events[1].data).toMatchObject({ rows: 10, counts: { I0: 10 }, repeated: 0 });
    // A completed job is left alone.
    expect(await after.processBatch(job.jobId)).toBe('inactive');
  });

  it('each lane goes on from its own last row after a restart', async () => {
    const ids = await esmes(12);
    const job = await handler(3).accept(upload(fileFor(ids, 'AD')), A, 'upload-lanes');
    expect(await worker().processBatch(job.jobId)).toBe('progressed');
    const lanes = await dataSource.query(`SELECT lane, last_row FROM bulk_correction_lanes WHERE job_id = $1 ORDER BY lane`, [job.jobId]);
    expect(lanes).toHaveLength(3);
    const done = (await resultRows(job.jobId)).length;
    expect(done).toBeGreaterThan(0);
    expect((await queries.get(job.jobId, A)).processedRows).toBe(done);
    await runToEnd(job.jobId, worker());
    expect((await resultRows(job.jobId)).map((r) => r.row_no)).toEqual(ids.map((_, i) => i + 1));
    expect(await corrections(ids)).toBe(12);
    expect(await queries.get(job.jobId, A)).toMatchObject({ status: 'completed', processedRows: 12, counts: { I0: 12 } });
  });

  it('rows of one device are decided in file order, whatever lane they are in', async () => {
    const [device, ...others] = await esmes(9);
    const rows = [`${device},B`, ...others.slice(0, 4).map((id) => `${id},C`), `${device.toLowerCase().replace(/-/g, '')},CD`, ...others.slice(4).map((id) => `${id},C`), `${device},BD`];
    const job = await handler(4).accept(upload(`Device ID,ESME Variant\r\n${rows.join('\r\n')}\r\n`), A, 'upload-order');
    await runToEnd(job.jobId, worker());
    const corrected = (await store.readStream(`device-${device}`)).filter((e) => e.type === 'EsmeVariantCorrected').map((e) => (e.data as { to: string }).to);
    expect(corrected).toEqual(['B', 'CD', 'BD']);
  });

  it('two workers on one job never run the same batch, and between them answer each row exactly once', async () => {
    const ids = await esmes(14);
    const job = await handler().accept(upload(fileFor(ids, 'C')), A, 'upload-2');
    const [one, two] = [worker(), worker()];
    const together = await Promise.all([one.processBatch(job.jobId), two.processBatch(job.jobId)]);
    expect(together.filter((o) => o === 'progressed').length).toBeGreaterThanOrEqual(1);
    await runToEnd(job.jobId, two, one);
    expect((await resultRows(job.jobId)).map((r) => r.row_no)).toEqual(ids.map((_, i) => i + 1));
    expect(await corrections(ids)).toBe(14);
    expect(await queries.get(job.jobId, A)).toMatchObject({ status: 'completed', counts: { I0: 14 } });
  });

  it('a row decided a second time changes nothing: its RequestID is answered from the record', async () => {
    const ids = await esmes(5);
    const job = await handler().accept(upload(fileFor(ids, 'BD')), A, 'upload-3');
    await runToEnd(job.jobId, worker());
    // As if the progress had been lost after the rows were decided.
    await dataSource.query(`UPDATE bulk_corrections SET status = 'accepted', processed_rows = 0, counts = '{}', repeated = 0 WHERE job_id = $1`, [job.jobId]);
    await dataSource.query(`UPDATE bulk_correction_lanes SET last_row = 0 WHERE job_id = $1`, [job.jobId]);
    await dataSource.query(`DELETE FROM bulk_correction_rows WHERE job_id = $1`, [job.jobId]);
    await dataSource.query(`DELETE FROM events WHERE stream_id = $1 AND event_type = 'BulkCorrectionCompleted'`, [`bulk-correction-${job.jobId}`]);
    const eventsBefore = Number((await dataSource.query(`SELECT count(*)::int AS n FROM events`))[0].n);

    await runToEnd(job.jobId, worker());
    expect(await queries.get(job.jobId, A)).toMatchObject({ status: 'completed', counts: { I0: 5 }, repeated: 5 });
    expect((await resultRows(job.jobId)).every((r) => r.repeated && r.response_code === 'I0')).toBe(true);
    // Only the job's completion was recorded again.
    expect(Number((await dataSource.query(`SELECT count(*)::int AS n FROM events`))[0].n)).toBe(eventsBefore + 1);
    expect(await corrections(ids)).toBe(5);
  });

  it('a job completes once: two workers racing to its end record one BulkCorrectionCompleted', async () => {
    const ids = await esmes(9);
    const job = await handler(3).accept(upload(fileFor(ids, 'C')), A, 'upload-race');
    const ends = await Promise.all([runToEnd(job.jobId, worker()), runToEnd(job.jobId, worker())]);
    expect(ends.map((outcomes) => outcomes[outcomes.length - 1]).sort()).toEqual(['completed', 'inactive']);
    expect((await store.readStream(`bulk-correction-${job.jobId}`)).map((e) => e.type)).toEqual(['BulkCorrectionAccepted', 'BulkCorrectionCompleted']);
    expect(await queries.get(job.jobId, A)).toMatchObject({ status: 'completed', processedRows: 9, counts: { I0: 9 } });
    expect(await corrections(ids)).toBe(9);
  });

  it('a restarted worker that finds a completed job still running (its progress lost) cannot complete it again, and records nothing', async () => {
    const ids = await esmes(5);
    const job = await handler(2).accept(upload(fileFor(ids, 'CD')), A, 'upload-again');
    await runToEnd(job.jobId, worker());
    const completed = await store.readStream(`bulk-correction-${job.jobId}`);
    // As if the job's working state had gone back to before its rows were answered; its events stay as recorded.
    await dataSource.query(`UPDATE bulk_corrections SET status = 'accepted', processed_rows = 0, counts = '{}', repeated = 0 WHERE job_id = $1`, [job.jobId]);
    await dataSource.query(`UPDATE bulk_correction_lanes SET last_row = 0 WHERE job_id = $1`, [job.jobId]);
    await dataSource.query(`DELETE FROM bulk_correction_rows WHERE job_id = $1`, [job.jobId]);
    const eventsBefore = Number((await dataSource.query(`SELECT count(*)::int AS n FROM events`))[0].n);

    expect(await runToEnd(job.jobId, worker())).toEqual(['inactive']);
    expect(await store.readStream(`bulk-correction-${job.jobId}`)).toEqual(completed);
    expect(Number((await dataSource.query(`SELECT count(*)::int AS n FROM events`))[0].n)).toBe(eventsBefore);
    // The refused batches rolled back whole: no answers recorded for them either.
    expect(await resultRows(job.jobId)).toEqual([]);
  });

  it('a failed job records nothing more: a worker that still runs it is refused the rest of its rows and the completion', async () => {
    const ids = await esmes(4);
    const job = await handler(1).accept(upload(fileFor(ids, 'BD')), A, 'upload-failed');
    expect(await worker().processBatch(job.jobId)).toBe('progressed');
    // Another instance gives the job up; a worker that read the job before that goes on with its last row.
    await handleCommand(dataSource, {
      store,
      streamId: `bulk-correction-${job.jobId}`,
      decider: bulkCorrectionDecider,
      command: { type: 'FailBulkCorrection', jobId: job.jobId, processedRows: 3, reason: 'given up', at: new Date().toISOString() },
      metadata: { correlationId: 'upload-failed' },
      project: projectBulkCorrection,
    });
    await dataSource.query(`UPDATE bulk_corrections SET status = 'accepted' WHERE job_id = $1`, [job.jobId]);

    expect(await worker().processBatch(job.jobId)).toBe('inactive');
    expect((await store.readStream(`bulk-correction-${job.jobId}`)).map((e) => e.type)).toEqual(['BulkCorrectionAccepted', 'BulkCorrectionFailed']);
    expect((await resultRows(job.jobId)).map((r) => r.row_no)).toEqual([1, 2, 3]);
    expect(await corrections(ids)).toBe(3);
  });

  it('a refused upload leaves nothing behind, even when the problem is past the first stored megabyte', async () => {
    const count = async () => (await dataSource.query(`SELECT (SELECT count(*) FROM bulk_corrections)::int AS jobs, (SELECT count(*) FROM bulk_correction_files)::int AS chunks`))[0];
    const events = async () => Number((await dataSource.query(`SELECT count(*)::int AS n FROM events WHERE event_type LIKE 'BulkCorrection%'`))[0].n);
    const before = { ...(await count()), events: await events() };

    await expect(handler().accept(upload('Device,Variant\r\n'), A, 'bad-1')).rejects.toBeInstanceOf(CorrectionFileProblem);
    const rows = Math.ceil((2.5 * FILE_CHUNK_BYTES) / 26);
    const long = `Device ID,ESME Variant\r\n${Array.from({ length: rows }, (_, i) => `00DB12345678${(i % 0xffff).toString(16).padStart(4, '0')},A`).join('\r\n')}\r\n"unclosed,B\r\n`;
    await expect(handler().accept(upload(long), A, 'bad-2')).rejects.toMatchObject({ code: 'NOT_CSV' });
    await expect(handler().accept(upload('Device ID,ESME Variant\r\n\r\n'), A, 'bad-3')).rejects.toMatchObject({ code: 'NO_ROWS' });

    expect({ ...(await count()), events: await events() }).toEqual(before);
  });

  it('a job whose stored file no longer holds its rows fails, with an event saying why', async () => {
    const ids = await esmes(4);
    const job = await handler().accept(upload(fileFor(ids)), A, 'upload-5');
    // The stored file loses its last two rows: the job can never answer the rows it accepted.
    await dataSource.query(`UPDATE bulk_correction_files SET bytes = $2 WHERE job_id = $1 AND chunk = 0`, [job.jobId, Buffer.from(fileFor(ids.slice(0, 2)))]);
    const outcomes = await runToEnd(job.jobId, worker());
    expect(outcomes[outcomes.length - 1]).toBe('failed');
    const failed = await queries.get(job.jobId, A);
    expect(failed).toMatchObject({ status: 'failed', failure: expect.stringMatching(/holds 2 rows, but 4 rows were accepted/) });
    expect((await store.readStream(`bulk-correction-${job.jobId}`)).map((e) => e.type)).toEqual(['BulkCorrectionAccepted', 'BulkCorrectionFailed']);
  });
  // Last on purpose: by now the jobs above have recorded accepted, completed and failed jobs and every kind of row
  // answer. All of it goes to inventory.events, where a consumer dead-letters anything that breaks its contract.
  it('records only events that conform to their published contracts', async () => {
    const types = new Set<string>();
    const broken: Array<{ type: string; errors: string[] }> = [];
    let after: GlobalCheckpoint | undefined;
    for (;;) {
      const page = await store.readAll({ after, limit: 1000 });
      if (page.events.length === 0) break;
      for (const event of page.events) {
        types.add(event.type);
        const errors = eventSchemaErrors('inventory', event.type, event.schemaVersion, event.data);
        if (errors.length > 0) broken.push({ type: event.type, errors });
      }
      after = page.checkpoint;
    }
    expect(broken.slice(0, 5)).toEqual([]);
    expect([...types]).toEqual(expect.arrayContaining(['BulkCorrectionAccepted', 'BulkCorrectionCompleted', 'BulkCorrectionFailed', 'EsmeVariantCorrected']));
  });
});
