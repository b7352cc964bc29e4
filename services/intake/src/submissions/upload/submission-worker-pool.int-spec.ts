// Submissions read and recorded in a worker thread (started from the TypeScript source here), against the real
// PostgreSQL: results and file errors cross back intact, an upload failing on the main thread rolls the worker's
// transaction back, and the worker pulls the upload only as fast as it reads it.
import { EVENT_STORE_MIGRATIONS } from '@smi/event-store';
import { createTestDatabase, TestDatabase } from '@smi/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CreateItemsReadModel1732000000000 } from '../../items/items.migration';
import { SubmissionFileError } from '../submission-errors';
import { SubmissionRequest } from '../record/submission-recorder';
import { uploadTooLarge } from './submission-upload';
import { SubmissionWorkerPool } from './submission-worker-pool';
import { CreateSubmissionsReadModel1732000000001 } from '../record/submissions.migration';
import { HEADER, MANUFACTURER, manufacturerRow } from '../test-support/submission-files';

const actor = { userId: 'nw-user', partyId: 'MFR-NW', partyType: 'manufacturer', roles: [] };

function request(): SubmissionRequest {
  return {
    submissionId: randomUUID(),
    providerPartyId: 'MFR-NW',
    providerPartyType: 'manufacturer',
    actor,
    correlationId: randomUUID(),
    fileName: 'file.csv',
    format: 'csv',
    receivedAt: new Date().toISOString(),
    dryRun: false,
    trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  };
}

/** CSV bytes in chunks of `rowsPerChunk` rows, counting how many chunks were taken. */
function upload(lines: string[], rowsPerChunk: number, failAfterChunks?: number) {
  const taken = { chunks: 0 };
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < lines.length; at += rowsPerChunk) {
      if (failAfterChunks !== undefined && taken.chunks === failAfterChunks) throw uploadTooLarge(1024);
      taken.chunks += 1;
      yield Buffer.from(`${lines.slice(at, at + rowsPerChunk).join('\n')}\n`);
    }
  }
  return { taken, upload: { format: 'csv' as const, bytes: bytes() } };
}

describe('SubmissionWorkerPool (worker threads, PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let pool: SubmissionWorkerPool;

  beforeAll(async () => {
    database = await createTestDatabase('submission_workers');
    dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: [...EVENT_STORE_MIGRATIONS, CreateItemsReadModel1732000000000, CreateSubmissionsReadModel1732000000001] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    pool = new SubmissionWorkerPool({ databaseUrl: database.url, sourceService: 'intake', size: 1, chunkRows: 50 });
  });

  afterAll(async () => {
    await pool.close();
    await dataSource.destroy();
    await database.drop();
  });

  const count = async (table: string) => Number((await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  it('records a file in the worker and answers its report; events carry the request’s trace context', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => manufacturerRow(i + 1));
    const job = request();
    const report = await pool.run(job, MANUFACTURER, upload([HEADER, ...rows], 7).upload);
    expect(report).toMatchObject({ submissionId: job.submissionId, rows: 120, counts: { accepted: 120, rejected: 0 }, encoding: 'utf-8' });
    const [first] = await dataSource.query(`SELECT metadata FROM events WHERE stream_id = 'item-MFR-NW-1'`);
    expect(first.metadata).toMatchObject({ submissionId: job.submissionId, row: 2, traceparent: job.trace?.traceparent, sourceService: 'intake' });
    expect(await count('submissions')).toBe(1);
  });

  it('passes a file-level error back as a SubmissionFileError, with nothing recorded', async () => {
    const before = { events: await count('events'), items: await count('items') };
    const rows = Array.from({ length: 200 }, (_, i) => manufacturerRow(1000 + i));
    const broken = [HEADER, ...rows, '9999,"never closed'];
    const failure = await pool.run(request(), MANUFACTURER, upload(broken, 10).upload).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SubmissionFileError);
    expect(failure).toMatchObject({ code: 'MALFORMED_CSV', row: 202 });
    expect({ events: await count('events'), items: await count('items') }).toEqual(before);
  });

  it('rolls the worker back when the upload fails on the main thread, answering with that failure', async () => {
    const before = { events: await count('events'), items: await count('items'), submissions: await count('submissions') };
    const rows = Array.from({ length: 400 }, (_, i) => manufacturerRow(2000 + i));
    // 60 chunks of 5 rows get through (six write chunks of 50 valid rows), then the upload is too large.
    const failure = await pool.run(request(), MANUFACTURER, upload([HEADER, ...rows], 5, 60).upload).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'UploadError', status: 413, code: 'FILE_TOO_LARGE' });
    expect({ events: await count('events'), items: await count('items'), submissions: await count('submissions') }).toEqual(before);
  });

  it('reads the upload only a few chunks ahead of what it has parsed', async () => {
    const lines = ['Identifier,Make,Modell', ...Array.from({ length: 1000 }, (_, i) => manufacturerRow(i))];
    const { taken, upload: file } = upload(lines, 1);
    await expect(pool.run(request(), MANUFACTURER, file)).rejects.toMatchObject({ code: 'UNKNOWN_COLUMN' });
    // The header fails the file at once: only the read-ahead was taken, not the thousand rows behind it.
    expect(taken.chunks).toBeLessThanOrEqual(8);
  });

  it('fails the job, not the service, when a worker runs out of memory', async () => {
    const starved = new SubmissionWorkerPool({ databaseUrl: database.url, sourceService: 'intake', size: 1, resourceLimits: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 } });
    try {
      await expect(starved.run(request(), MANUFACTURER, upload([HEADER, manufacturerRow(1)], 1).upload)).rejects.toThrow(/submission worker stopped.*nothing was recorded/);
    } finally {
      await starved.close();
    }
  });

  it('keeps working after a failed job', async () => {
    const report = await pool.run({ ...request(), dryRun: true }, MANUFACTURER, upload([HEADER, manufacturerRow(1), manufacturerRow(5000)], 1).upload);
    expect(report).toMatchObject({ dryRun: true, counts: { accepted: 1, unchanged: 1 } });
  });
});
