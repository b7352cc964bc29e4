// The submission write path against the real PostgreSQL: chunked appends in one transaction, the items read
// model, repeated information, possible duplicates, dry runs, and nothing left behind by a file rejected late.
import { eventSchemaErrors } from '@smi/contracts';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore, RecordedEvent } from '@smi/event-store';
import { createTestDatabase, TestDatabase } from '@smi/testing';
import { randomUUID } from 'node:crypto';
import { DataSource, Logger } from 'typeorm';
import { CreateItemsReadModel1732000000000 } from '../../items/items.migration';
import { readUpload } from '../read-upload';
import { SubmissionFileError } from '../submission-errors';
import { SubmissionRecorder, SubmissionRequest } from './submission-recorder';
import { CreateSubmissionsReadModel1732000000001 } from './submissions.migration';
import { CSP, HEADER, MANUFACTURER, csv, fixture, manufacturerRow } from '../test-support/submission-files';
import { ValidationContext } from '../validate/validate-row';

/** Counts the statements that look items up, to prove it is one per chunk, never one per row. */
class QueryCounter implements Logger {
  heldLookups = 0;
  logQuery(query: string): void {
    if (/FROM items\s+WHERE provider_party_id = \$1 AND identifier = ANY/.test(query)) this.heldLookups += 1;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

const northwind = { userId: 'nw-user', partyId: 'MFR-NW', partyType: 'manufacturer', roles: [] };
const hexcom = { userId: 'hx-user', partyId: 'CSP-HEXCOM', partyType: 'csp', roles: [] };

describe('SubmissionRecorder (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  const counter = new QueryCounter();

  beforeAll(async () => {
    database = await createTestDatabase('submissions');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [...EVENT_STORE_MIGRATIONS, CreateItemsReadModel1732000000000, CreateSubmissionsReadModel1732000000001],
      logging: ['query'],
      logger: counter,
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    store = new PostgresEventStore(dataSource, { sourceService: 'intake' });
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  async function submit(
    text: string | Buffer,
    options: { actor?: typeof northwind; context?: ValidationContext; dryRun?: boolean; chunkRows?: number } = {},
  ) {
    const actor = options.actor ?? northwind;
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    const request: SubmissionRequest = {
      submissionId: randomUUID(),
      providerPartyId: actor.partyId,
      providerPartyType: actor.partyType === 'csp' ? 'csp' : 'manufacturer',
      actor,
      correlationId: randomUUID(),
      fileName: 'file.csv',
      format: 'csv',
      receivedAt: new Date().toISOString(),
      dryRun: options.dryRun ?? false,
    };
    // Small chunks so a few rows already cross chunk boundaries.
    const recorder = new SubmissionRecorder(dataSource, store, { chunkRows: options.chunkRows ?? 3 });
    async function* upload() {
      for (let at = 0; at < bytes.length; at += 64) yield bytes.subarray(at, at + 64);
    }
    const report = await recorder.record(request, readUpload({ format: 'csv', bytes: upload(), byteCount: () => bytes.length }, options.context ?? MANUFACTURER));
    return { request, report };
  }

  const count = async (table: string) => Number((await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);
  const totals = async () => ({
    events: await count('events'),
    items: await count('items'),
    submissions: await count('submissions'),
    rejections: await count('submission_rejections'),
    flags: await count('item_possible_duplicates'),
  });
  const eventsOf = (correlationId: string): Promise<RecordedEvent[]> => store.readByCorrelationId(correlationId);

  it('records every valid row as an item event, chunk by chunk, with one lookup of held items per chunk', async () => {
    const before = counter.heldLookups;
    const rows = [1, 2, 3, 4, 5, 6, 7].map((id) => manufacturerRow(id));
    rows.splice(3, 0, manufacturerRow(99, { 7: '31/02/2026' }));
    const { request, report } = await submit(csv([HEADER, ...rows]));

    expect(report).toMatchObject({ rows: 8, counts: { accepted: 7, unchanged: 0, revised: 0, rejected: 1 }, rejectionsTotal: 1, nextCursor: null });
    expect(report.rejections).toEqual([expect.objectContaining({ row: 5, column: 'Date last Updated', code: 'INVALID_DATE' })]);
    // 7 valid rows in chunks of 3: three chunks, three lookups.
    expect(counter.heldLookups - before).toBe(3);

    const events = await eventsOf(request.correlationId);
    expect(events.map((e) => e.type)).toEqual([...Array(7).fill('ItemSubmitted'), 'SubmissionRecorded']);
    expect(events[0]).toMatchObject({ streamId: 'item-MFR-NW-1', streamVersion: 1, metadata: { submissionId: request.submissionId, row: 2, actor: northwind } });
    expect(events[3].metadata).toMatchObject({ row: 6 });
    expect(events[7]).toMatchObject({ streamId: `submission-${request.submissionId}`, data: { counts: report.counts, rejectionCount: 1 } });
    for (const event of events) expect(eventSchemaErrors('intake', event.type, event.schemaVersion, event.data)).toEqual([]);

    const items = await dataSource.query(`SELECT identifier::text AS identifier, version, last_submission_id FROM items WHERE provider_party_id = 'MFR-NW' ORDER BY items.identifier`);
    expect(items).toHaveLength(7);
    expect(items[0]).toEqual({ identifier: '1', version: 1, last_submission_id: request.submissionId });
    const [stored] = await dataSource.query(`SELECT * FROM submission_rejections WHERE submission_id = $1`, [request.submissionId]);
    expect(stored).toMatchObject({ ordinal: 1, source_row: 5, column_name: 'Date last Updated', code: 'INVALID_DATE' });
  });

  it('records nothing at all when the file turns out to be broken after rows were already written', async () => {
    const before = await totals();
    const lookups = counter.heldLookups;
    const rows = Array.from({ length: 10 }, (_, i) => manufacturerRow(1000 + i));
    // The quote opened on the last line is never closed: the file fails only at its very end.
    const text = `${csv([HEADER, ...rows])}2000,Northwind Metering,NW-E470,0002012F,ESME,Device Manufacturer,Defect,2026-03-14,Yes,"never closed\n`;
    await expect(submit(text)).rejects.toMatchObject({ name: 'SubmissionFileError', code: 'MALFORMED_CSV' });
    // The first chunks had been written inside the transaction before the error; it rolled them back.
    expect(counter.heldLookups - lookups).toBeGreaterThanOrEqual(3);
    expect(await totals()).toEqual(before);
  });

  it('records nothing for a header-only file', async () => {
    const before = await totals();
    await expect(submit(csv([HEADER]))).rejects.toBeInstanceOf(SubmissionFileError);
    expect(await totals()).toEqual(before);
  });

  it('finds nothing new in the same file sent twice, yet keeps the upload in the history', async () => {
    const text = csv([HEADER, manufacturerRow(500), manufacturerRow(501)]);
    await submit(text);
    const { request, report } = await submit(text);
    expect(report.counts).toEqual({ accepted: 0, unchanged: 2, revised: 0, rejected: 0 });
    expect((await eventsOf(request.correlationId)).map((e) => e.type)).toEqual(['SubmissionRecorded']);
    expect(await count(`submissions WHERE submission_id = '${request.submissionId}'`)).toBe(1);
  });

  it('records a revision with the changed fields and moves the item to its next version', async () => {
    await submit(csv([HEADER, manufacturerRow(600), manufacturerRow(601)]));
    const { request, report } = await submit(csv([HEADER, manufacturerRow(600, { 6: 'Fix', 9: 'Now in 00020131' }), manufacturerRow(601)]));
    expect(report.counts).toEqual({ accepted: 0, unchanged: 1, revised: 1, rejected: 0 });
    const [revised] = await eventsOf(request.correlationId);
    expect(revised).toMatchObject({
      type: 'ItemRevised',
      streamId: 'item-MFR-NW-600',
      streamVersion: 2,
      data: {
        statusOfInformation: 'Fix',
        changes: [
          { field: 'statusOfInformation', from: 'Defect', to: 'Fix' },
          { field: 'fixInformation', from: 'Upgrade to 00020130', to: 'Now in 00020131' },
        ],
      },
    });
    const [item] = await dataSource.query(`SELECT version, status_of_information, fix_information, last_submission_id FROM items WHERE provider_party_id = 'MFR-NW' AND identifier = 600`);
    expect(item).toEqual({ version: 2, status_of_information: 'Fix', fix_information: 'Now in 00020131', last_submission_id: request.submissionId });
  });

  it('validates and classifies a dry run against what is held, and records nothing', async () => {
    await submit(csv([HEADER, manufacturerRow(700)]));
    const before = await totals();
    const { report } = await submit(csv([HEADER, manufacturerRow(700, { 8: 'No', 9: '' }), manufacturerRow(701), manufacturerRow(700)]), { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, counts: { accepted: 1, unchanged: 0, revised: 1, rejected: 1 }, nextCursor: null });
    expect(await totals()).toEqual(before);
  });

  it('flags items of different providers that name the same device, and never merges them', async () => {
    const hub = 'Identifier,Make,Model,Firmware Version,Device Type,Source,Status of Information,Date last Updated,Fix Available,Fix Information';
    await submit(csv([hub, '77,Hexcom,HX-CH2,38040404,CHF,CSP,Defect,14/03/2026,No,']), { actor: hexcom, context: CSP });
    const manufacturer: ValidationContext = { ...MANUFACTURER, allowedMakes: ['Hexcom'] };
    const { request, report } = await submit(csv([hub, '9,hexcom,hx-ch2,38040404,CHF,Device Manufacturer,Issue,2026-03-01,No,', '10,Hexcom,HX-CH2,38040405,CHF,Device Manufacturer,Issue,2026-03-01,No,']), {
      context: manufacturer,
    });
    expect(report).toMatchObject({ counts: { accepted: 2 }, possibleDuplicates: 1 });
    const events = await eventsOf(request.correlationId);
    expect(events.map((e) => [e.type, e.streamId])).toEqual([
      ['ItemSubmitted', 'item-MFR-NW-9'],
      ['PossibleDuplicateFlagged', 'item-MFR-NW-9'],
      ['ItemSubmitted', 'item-MFR-NW-10'],
      ['SubmissionRecorded', `submission-${request.submissionId}`],
    ]);
    expect(events[1].data).toMatchObject({ matches: [{ providerPartyId: 'CSP-HEXCOM', identifier: '77' }], matchCount: 1 });
    for (const event of events) expect(eventSchemaErrors('intake', event.type, event.schemaVersion, event.data)).toEqual([]);
    expect(await count(`items WHERE lower(model) = 'hx-ch2' AND firmware_version = '38040404'`)).toBe(2);
    const [flag] = await dataSource.query(`SELECT provider_party_id, identifier::text AS identifier, match_count, item_version FROM item_possible_duplicates WHERE submission_id = $1`, [request.submissionId]);
    expect(flag).toEqual({ provider_party_id: 'MFR-NW', identifier: '9', match_count: 1, item_version: 2 });
  });

  it('keeps the first rejections in the report and pages the rest from the stored report', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => manufacturerRow(800 + i, { 8: 'Maybe' }));
    const recorder = new SubmissionRecorder(dataSource, store, { chunkRows: 5, reportRejections: 4 });
    const bytes = Buffer.from(csv([HEADER, ...rows]));
    const request: SubmissionRequest = {
      submissionId: randomUUID(),
      providerPartyId: 'MFR-NW',
      providerPartyType: 'manufacturer',
      actor: northwind,
      correlationId: randomUUID(),
      fileName: null,
      format: 'csv',
      receivedAt: new Date().toISOString(),
      dryRun: false,
    };
    const report = await recorder.record(request, readUpload({ format: 'csv', bytes: (async function* () { yield bytes; })(), byteCount: () => bytes.length }, MANUFACTURER));
    expect(report).toMatchObject({ counts: { rejected: 12 }, rejectionsTotal: 12, nextCursor: '4' });
    expect(report.rejections.map((r) => r.row)).toEqual([2, 3, 4, 5]);
    const stored = await dataSource.query(`SELECT ordinal, source_row FROM submission_rejections WHERE submission_id = $1 ORDER BY ordinal`, [request.submissionId]);
    expect(stored.map((r: { source_row: number }) => r.source_row)).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
  });

  it('reads the messy cp1252 sample with the outcomes the validation specs expect of it', async () => {
    const vantage = { userId: 'v', partyId: 'MFR-VANTAGE', partyType: 'manufacturer', roles: [] };
    const { report } = await submit(fixture('manufacturer-messy-cp1252.csv'), { actor: vantage, context: { ...MANUFACTURER, allowedMakes: ['Vantage Meters'] } });
    expect(report).toMatchObject({ encoding: 'windows-1252', rows: 9, counts: { accepted: 2, rejected: 7 } });
    expect(report.rejections.map((r) => [r.row, r.code])).toEqual([
      [3, 'UNKNOWN_DEVICE_TYPE'],
      [4, 'UNKNOWN_STATUS'],
      [5, 'INVALID_DATE'],
      [6, 'FIX_INFORMATION_REQUIRED'],
      [7, 'DUPLICATE_IN_FILE'],
      [8, 'INVALID_IDENTIFIER'],
      [9, 'INVALID_YES_NO'],
    ]);
  });
});
