import { eventSchemaErrors, SUBMISSION_COLUMNS } from '@smi/contracts';
import { waitFor, xlsxBombs } from '@smi/testing';
import * as ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TestKafka, TopicReader } from './support/kafka';
import { call, TestSystem } from './support/system';

/**
 * Submissions through the compiled intake service over the real broker and database: the shared sample files
 * give the outcomes their README states, broken files record nothing, repeated information is recognised,
 * and only providers (their own) and DCC (everyone's) see submissions and items.
 */
const FIXTURES = join(__dirname, '..', 'services', 'intake', 'test', 'fixtures');
const HEADER = SUBMISSION_COLUMNS.join(',');
const MAX_UPLOAD_BYTES = 256 * 1024;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Report {
  submissionId: string;
  dryRun: boolean;
  provider: string;
  fileName: string | null;
  format: string;
  encoding: string | null;
  rows: number;
  counts: { accepted: number; unchanged: number; revised: number; rejected: number };
  possibleDuplicates: number;
  rejections: Array<{ row: number; column: string; code: string; reason: string }>;
  rejectionsTotal: number;
  nextCursor: string | null;
}

interface FileError {
  statusCode: number;
  code: string;
  message: string;
  details?: { problems?: Array<{ code: string; column?: string; suggestion?: string }> };
}

interface StoredEvent {
  type: string;
  streamId: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

function northwindRow(identifier: number, overrides: Partial<Record<number, string>> = {}): string {
  const cells = [String(identifier), 'Northwind Metering', 'NW-E470', '0002012F', 'ESME', 'Device Manufacturer', 'Defect', '2026-03-14', 'No', ''];
  for (const [at, value] of Object.entries(overrides)) cells[Number(at)] = value ?? '';
  return cells.join(',');
}

const csv = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;

describe('intake: submitting files', () => {
  const system = new TestSystem();
  const kafka = new TestKafka();
  let intake: string;
  let events: TopicReader;
  const tokens: Record<string, string> = {};

  /** POSTs a file; `as` picks multipart (default), a raw text/csv body, or a raw .xlsx body. */
  async function submit(
    token: string,
    body: string | Buffer,
    options: { as?: 'multipart' | 'csv' | 'xlsx'; fileName?: string; query?: string; requestId?: string } = {},
  ): Promise<{ status: number; body: unknown; requestId: string }> {
    const requestId = options.requestId ?? `e2e-${randomUUID()}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'x-request-id': requestId };
    let payload: RequestInit['body'];
    if ((options.as ?? 'multipart') === 'multipart') {
      const form = new FormData();
      form.append('file', new Blob([body]), options.fileName ?? 'submission.csv');
      payload = form;
    } else {
      headers['content-type'] = options.as === 'xlsx' ? XLSX : 'text/csv';
      payload = body;
    }
    const response = await fetch(`${intake}/submissions${options.query ?? ''}`, { method: 'POST', headers, body: payload });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, requestId };
  }

  const get = async <T>(path: string, token: string) => {
    const response = await call('GET', `${intake}${path}`, token);
    return { status: response.status, body: response.body as T };
  };

  async function snapshot() {
    const items = await get<{ items: unknown[] }>('/items?limit=1000', tokens.dcc);
    const submissions = await get<{ submissions: unknown[] }>('/submissions?limit=1000', tokens.dcc);
    return { items: items.body.items.length, submissions: submissions.body.submissions.length };
  }

  const recordedFor = async (requestId: string) => (await get<{ events: StoredEvent[] }>(`/audit/correlations/${requestId}`, tokens.dcc)).body.events;

  beforeAll(async () => {
    await system.start(['intake'], { INTAKE_MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
    intake = system.url('intake');
    tokens.dcc = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    tokens.northwind = await system.token({ party: 'MFR-NORTHWIND', partyType: 'manufacturer' });
    tokens.vantage = await system.token({ party: 'MFR-VANTAGE', partyType: 'manufacturer' });
    tokens.hexcom = await system.token({ party: 'CSP-HEXCOM', partyType: 'csp' });
    tokens.hexcomDevices = await system.token({ party: 'MFR-HEXCOM', partyType: 'manufacturer' });
    tokens.unregistered = await system.token({ party: 'MFR-UNKNOWN', partyType: 'manufacturer' });
    tokens.supplier = await system.token({ party: 'SUP-A', partyType: 'supplier' });
    tokens.network = await system.token({ party: 'NET-A', partyType: 'network' });
    tokens.secas = await system.token({ party: 'SECAS', partyType: 'secas' });
    tokens.dsp = await system.token({ party: 'DSP', partyType: 'dsp' });
    const parties = [
      { partyId: 'MFR-NORTHWIND', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind Metering'] },
      { partyId: 'MFR-VANTAGE', name: 'Vantage Meters plc', partyType: 'manufacturer', makes: ['Vantage Meters'] },
      { partyId: 'CSP-HEXCOM', name: 'Hexcom Communications', partyType: 'csp', makes: ['Hexcom'] },
      { partyId: 'MFR-HEXCOM', name: 'Hexcom Devices', partyType: 'manufacturer', makes: ['Hexcom'] },
    ];
    for (const party of parties) expect((await call('POST', `${intake}/parties`, tokens.dcc, party)).status).toBe(201);
    events = await kafka.read(`${system.topicPrefix}.intake.events`);
  });

  afterAll(async () => {
    await kafka.close();
    await system.stop();
  });

  describe('the shared sample files', () => {
    it('manufacturer-initial.csv: 6 rows accepted, each an ItemSubmitted published to intake.events', async () => {
      const upload = await submit(tokens.northwind, readFileSync(join(FIXTURES, 'manufacturer-initial.csv')), { fileName: 'manufacturer-initial.csv' });
      expect(upload.status).toBe(201);
      const report = upload.body as Report;
      expect(report).toMatchObject({
        dryRun: false,
        provider: 'MFR-NORTHWIND',
        fileName: 'manufacturer-initial.csv',
        format: 'csv',
        encoding: 'utf-8',
        rows: 6,
        counts: { accepted: 6, unchanged: 0, revised: 0, rejected: 0 },
        rejections: [],
        rejectionsTotal: 0,
      });

      const recorded = await recordedFor(upload.requestId);
      expect(recorded.map((e) => e.type)).toEqual([...Array(6).fill('ItemSubmitted'), 'SubmissionRecorded']);
      for (const event of recorded) expect(eventSchemaErrors('intake', event.type, event.schemaVersion, event.data)).toEqual([]);
      expect(recorded[0]).toMatchObject({
        streamId: 'item-MFR-NORTHWIND-1001',
        metadata: { submissionId: report.submissionId, row: 2, actor: { partyId: 'MFR-NORTHWIND', partyType: 'manufacturer' } },
      });

      const [published] = await events.waitForKey('item-MFR-NORTHWIND-1006');
      expect(published).toMatchObject({ identifier: '1006', make: 'Northwind Metering', submissionId: report.submissionId });
      const message = events.received.find((m) => m.key === 'item-MFR-NORTHWIND-1006');
      expect(message?.headers).toMatchObject({ ce_type: 'ItemSubmitted', correlation_id: upload.requestId });
      await events.waitForKey(`submission-${report.submissionId}`);
    });

    it('csp-initial.csv: BOM, CRLF, UK dates, quoted commas: 3 rows accepted from a CSP', async () => {
      const upload = await submit(tokens.hexcom, readFileSync(join(FIXTURES, 'csp-initial.csv')), { as: 'csv', fileName: 'csp-initial.csv', query: '?fileName=csp-initial.csv' });
      expect(upload.status).toBe(201);
      expect(upload.body).toMatchObject({ provider: 'CSP-HEXCOM', fileName: 'csp-initial.csv', encoding: 'utf-8-bom', rows: 3, counts: { accepted: 3, rejected: 0 } });
      const items = await get<{ items: Array<{ identifier: string; deviceType: string; dateLastUpdated: string; fixInformation: string | null }> }>('/items', tokens.hexcom);
      expect(items.body.items.map((i) => [i.identifier, i.deviceType, i.dateLastUpdated])).toEqual([
        ['77', 'CHF', '2026-03-14'],
        ['78', 'GPF', '2026-03-14'],
        ['79', 'CHF', '2026-07-01'],
      ]);
      expect(items.body.items[0].fixInformation).toBe('CHF firmware 38040406 stops the GPF dropping the HAN after 49 days, as advised to suppliers.');
    });

    it('manufacturer-messy-cp1252.csv: rows 2001 and 2007 accepted, every other row rejected with its row number and code', async () => {
      const upload = await submit(tokens.vantage, readFileSync(join(FIXTURES, 'manufacturer-messy-cp1252.csv')), { fileName: 'manufacturer-messy-cp1252.csv' });
      expect(upload.status).toBe(201);
      const report = upload.body as Report;
      // The blank trailing row is neither counted nor reported.
      expect(report).toMatchObject({ encoding: 'windows-1252', rows: 9, counts: { accepted: 2, unchanged: 0, revised: 0, rejected: 7 }, rejectionsTotal: 7, nextCursor: null });
      expect(report.rejections.map((r) => [r.row, r.column, r.code])).toEqual([
        [3, 'Device Type', 'UNKNOWN_DEVICE_TYPE'],
        [4, 'Status of Information', 'UNKNOWN_STATUS'],
        [5, 'Date last Updated', 'INVALID_DATE'],
        [6, 'Fix Information', 'FIX_INFORMATION_REQUIRED'],
        [7, 'Identifier', 'DUPLICATE_IN_FILE'],
        [8, 'Identifier', 'INVALID_IDENTIFIER'],
        [9, 'Fix Available', 'INVALID_YES_NO'],
      ]);
      for (const rejection of report.rejections) expect(rejection.reason.length).toBeGreaterThan(10);

      const items = await get<{ items: Array<{ identifier: string; fixInformation: string }> }>('/items', tokens.vantage);
      expect(items.body.items.map((i) => i.identifier)).toEqual(['2001', '2007']);
      expect(items.body.items[0].fixInformation).toBe('Use 00A1B2C5 \u2013 fixes display of \u00a3 balance');
      // Stored as given: neutralising it is the export's job.
      expect(items.body.items[1].fixInformation).toBe('=HYPERLINK("http://example.invalid","click")');

      const stored = await get<Report>(`/submissions/${report.submissionId}`, tokens.vantage);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ submissionId: report.submissionId, counts: report.counts, rejections: report.rejections });
    });
  });

  describe('repeated information', () => {
    it('finds nothing new when the same file comes again, and still lists the upload in the history', async () => {
      const before = await get<{ submissions: unknown[] }>('/submissions', tokens.northwind);
      const upload = await submit(tokens.northwind, readFileSync(join(FIXTURES, 'manufacturer-initial.csv')));
      expect(upload.status).toBe(201);
      expect((upload.body as Report).counts).toEqual({ accepted: 0, unchanged: 6, revised: 0, rejected: 0 });
      expect((await recordedFor(upload.requestId)).map((e) => e.type)).toEqual(['SubmissionRecorded']);
      const after = await get<{ submissions: Array<{ submissionId: string }> }>('/submissions', tokens.northwind);
      expect(after.body.submissions).toHaveLength(before.body.submissions.length + 1);
      expect(after.body.submissions[0].submissionId).toBe((upload.body as Report).submissionId);
    });

    it('records a revision with each changed field, old and new', async () => {
      const file = csv(HEADER, northwindRow(1002, { 2: 'NW-E470', 3: '00020130', 6: 'Fix', 7: '2026-04-02', 8: 'Yes', 9: 'Fixed by 00020131' }));
      const upload = await submit(tokens.northwind, file);
      expect(upload.status).toBe(201);
      expect((upload.body as Report).counts).toEqual({ accepted: 0, unchanged: 0, revised: 1, rejected: 0 });
      const history = await get<{ events: StoredEvent[] }>('/audit/streams/item-MFR-NORTHWIND-1002', tokens.dcc);
      expect(history.body.events.map((e) => e.type)).toEqual(['ItemSubmitted', 'ItemRevised']);
      expect(history.body.events[1].data).toMatchObject({
        statusOfInformation: 'Fix',
        changes: [
          { field: 'statusOfInformation', from: 'Issue', to: 'Fix' },
          { field: 'fixAvailable', from: false, to: true },
          { field: 'fixInformation', from: null, to: 'Fixed by 00020131' },
        ],
      });
      expect(eventSchemaErrors('intake', 'ItemRevised', 1, history.body.events[1].data)).toEqual([]);
    });

    it('flags items of different providers naming the same device for DCC, without merging them', async () => {
      const hub = csv(HEADER, '501,Hexcom,hx-ch2,38040404,CHF,Device Manufacturer,Defect,2026-03-01,No,');
      const upload = await submit(tokens.hexcomDevices, hub);
      expect(upload.status).toBe(201);
      expect(upload.body).toMatchObject({ counts: { accepted: 1 }, possibleDuplicates: 1 });
      const flags = await get<{ possibleDuplicates: Array<Record<string, unknown>> }>('/items/possible-duplicates?make=HEXCOM', tokens.dcc);
      expect(flags.status).toBe(200);
      expect(flags.body.possibleDuplicates).toEqual([
        expect.objectContaining({ provider: 'MFR-HEXCOM', identifier: '501', matches: [{ providerPartyId: 'CSP-HEXCOM', identifier: '77' }], matchCount: 1 }),
      ]);
      const both = await get<{ items: Array<{ provider: string }> }>('/items?model=HX-CH2&firmwareVersion=38040404&deviceType=chf', tokens.dcc);
      expect(both.body.items.map((i) => i.provider)).toEqual(['CSP-HEXCOM', 'MFR-HEXCOM']);
      expect((await get('/items/possible-duplicates', tokens.hexcomDevices)).status).toBe(403);
    });
  });

  describe('a dry run', () => {
    it('reports what would happen against what is held, and records nothing', async () => {
      const before = await snapshot();
      const file = csv(HEADER, northwindRow(1001), northwindRow(4001), northwindRow(4002, { 7: '31/02/2026' }));
      const upload = await submit(tokens.northwind, file, { query: '?dryRun=true' });
      expect(upload.status).toBe(200);
      expect(upload.body).toMatchObject({ dryRun: true, counts: { accepted: 1, unchanged: 0, revised: 1, rejected: 1 }, nextCursor: null });
      expect(await recordedFor(upload.requestId)).toEqual([]);
      expect(await snapshot()).toEqual(before);
      expect((await get(`/submissions/${(upload.body as Report).submissionId}`, tokens.northwind)).status).toBe(404);
    });
  });

  describe('files rejected as a whole record nothing', () => {
    const valid = (n: number) => Array.from({ length: n }, (_, i) => northwindRow(5000 + i));
    const cases: Array<[string, () => string | Buffer, number, string]> = [
      ['not CSV (a PDF)', () => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(64, 1)]), 400, 'NOT_CSV'],
      ['empty', () => '', 400, 'EMPTY_FILE'],
      ['header only', () => csv(HEADER), 400, 'NO_ROWS'],
      ['a missing column', () => csv(HEADER.replace(',Fix Information', ''), ...valid(2).map((r) => r.replace(/,[^,]*$/, ''))), 400, 'MISSING_COLUMN'],
      ['a doubled column', () => csv(`${HEADER},Model`, ...valid(2).map((r) => `${r},NW-E470`)), 400, 'DUPLICATE_COLUMN'],
      ['an oversized field', () => csv(HEADER, ...valid(3), northwindRow(5100, { 9: 'x'.repeat(10_001) })), 400, 'FIELD_TOO_LONG'],
      // More rows than one write chunk (2,000): some are already written, inside the transaction, when it fails.
      ['a quote never closed, after 2,100 valid rows', () => `${csv(HEADER, ...valid(2_100))}5200,Northwind Metering,NW-E470,0002012F,ESME,Device Manufacturer,Defect,2026-03-14,Yes,"Upgrade\r\n`, 400, 'MALFORMED_CSV'],
      [
        'UTF-8 that turns into Windows-1252 past the first 64 KiB',
        () => Buffer.concat([Buffer.from(csv(HEADER, northwindRow(5300, { 9: 'caf\u00e9' }), ...Array.from({ length: 1_000 }, (_, i) => northwindRow(5400 + i)))), Buffer.from('5301,Northwind Metering,NW-E470,0002012F,ESME,Device Manufacturer,Defect,2026-03-14,Yes,\xa3 fix\r\n', 'latin1')]),
        400,
        'MIXED_ENCODING',
      ],
    ];

    it.each(cases)('%s', async (_label, body, status, code) => {
      const before = await snapshot();
      for (const as of ['multipart', 'csv'] as const) {
        const upload = await submit(tokens.northwind, body(), { as });
        expect(upload.status).toBe(status);
        expect(upload.body).toMatchObject({ statusCode: status, code });
        expect((upload.body as FileError).message.length).toBeGreaterThan(10);
        expect(await recordedFor(upload.requestId)).toEqual([]);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('names the column an unknown header was probably meant to be', async () => {
      const upload = await submit(tokens.northwind, csv(HEADER.replace('Firmware Version', 'Firmware Verison'), northwindRow(5500)));
      expect(upload.status).toBe(400);
      expect(upload.body).toMatchObject({ code: 'UNKNOWN_COLUMN', message: expect.stringContaining('did you mean "Firmware Version"') });
      expect((upload.body as FileError).details?.problems).toContainEqual(expect.objectContaining({ code: 'UNKNOWN_COLUMN', suggestion: 'Firmware Version' }));
    });

    it('answers 413 over INTAKE_MAX_UPLOAD_BYTES, whether declared, streamed or in a multipart part', async () => {
      const before = await snapshot();
      const big = csv(HEADER, ...Array.from({ length: 4000 }, (_, i) => northwindRow(6000 + i)));
      expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_UPLOAD_BYTES);

      const declared = await submit(tokens.northwind, big, { as: 'csv' });
      expect(declared.status).toBe(413);
      expect(declared.body).toMatchObject({ code: 'FILE_TOO_LARGE', message: expect.stringContaining(`${MAX_UPLOAD_BYTES} bytes`) });

      const multipart = await submit(tokens.northwind, big);
      expect(multipart.status).toBe(413);
      expect(multipart.body).toMatchObject({ code: 'FILE_TOO_LARGE' });

      // No content-length: the limit is enforced while the rows are already being read and written.
      const requestId = `e2e-${randomUUID()}`;
      const chunks = Array.from({ length: 40 }, (_, i) => Buffer.from(big.slice(i * 10_000, (i + 1) * 10_000))).filter((b) => b.length > 0);
      const response = await fetch(`${intake}/submissions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.northwind}`, 'content-type': 'text/csv', 'x-request-id': requestId },
        body: Readable.toWeb(Readable.from(chunks)) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ code: 'FILE_TOO_LARGE' });
      expect(await recordedFor(requestId)).toEqual([]);
      expect(await recordedFor(declared.requestId)).toEqual([]);
      expect(await snapshot()).toEqual(before);
    });

    it('answers 415 with what to send instead for other media types', async () => {
      const response = await fetch(`${intake}/submissions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.northwind}`, 'content-type': 'application/pdf' },
        body: '%PDF-1.7',
      });
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('multipart/form-data') });
      const json = await call('POST', `${intake}/submissions`, tokens.northwind, { rows: [] });
      expect(json.status).toBe(415);
    });
  });

  describe('.xlsx workbooks', () => {
    async function workbook(rows: string[][]): Promise<Buffer> {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('Defects');
      sheet.addRow([...SUBMISSION_COLUMNS]);
      for (const row of rows) sheet.addRow(row.map((cell, i) => (i === 0 ? Number(cell) : cell)));
      return Buffer.from(await book.xlsx.writeBuffer());
    }

    it('reads the first worksheet as multipart (.xlsx name) or as a raw body', async () => {
      const rows = [northwindRow(7001).split(','), northwindRow(7002, { 8: 'Yes', 9: '=1+1 stays text' }).split(',')];
      const multipart = await submit(tokens.northwind, await workbook(rows), { fileName: 'defects.xlsx' });
      expect(multipart.status).toBe(201);
      expect(multipart.body).toMatchObject({ format: 'xlsx', encoding: null, fileName: 'defects.xlsx', rows: 2, counts: { accepted: 2 } });

      const raw = await submit(tokens.northwind, await workbook([northwindRow(7003).split(','), northwindRow(7001).split(',')]), { as: 'xlsx', query: '?fileName=more.xlsx' });
      expect(raw.status).toBe(201);
      expect(raw.body).toMatchObject({ format: 'xlsx', fileName: 'more.xlsx', counts: { accepted: 1, unchanged: 1 } });

      const broken = await submit(tokens.northwind, Buffer.from('PK\u0003\u0004 not really a workbook'), { fileName: 'broken.xlsx' });
      expect(broken.status).toBe(400);
      expect(broken.body).toMatchObject({ code: 'NOT_XLSX' });
    });
  });

  describe('hostile and careless uploads record nothing and are told why in the project’s own words', () => {
    it('refuses zip bombs (a 150 MB sheet, 90 MB of shared strings) with 413 WORKBOOK_TOO_LARGE_UNPACKED before reading them', async () => {
      const before = await snapshot();
      // Both within this system's small upload limit, so it is the unpacked size that refuses them.
      const bombs = xlsxBombs({ sheetBytes: 150_000_000, sharedStringBytes: 90_000_000 });
      for (const [label, bomb] of [['sheet', bombs.bigSheet], ['shared strings', bombs.bigSharedStrings]] as const) {
        expect(bomb.length).toBeLessThan(MAX_UPLOAD_BYTES);
        for (const as of ['multipart', 'xlsx'] as const) {
          const upload = await submit(tokens.northwind, bomb, { as, fileName: 'bomb.xlsx' });
          expect([label, as, upload.status]).toEqual([label, as, 413]);
          expect(upload.body).toMatchObject({ statusCode: 413, code: 'WORKBOOK_TOO_LARGE_UNPACKED', message: expect.stringContaining('unpacked') });
          expect(await recordedFor(upload.requestId)).toEqual([]);
        }
      }
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a header of 100,000 columns with a short 400 TOO_MANY_COLUMNS, and lists at most 20 header problems', async () => {
      const before = await snapshot();
      const wide = csv(`${HEADER},${Array(100_000).fill('x').join(',')}`, northwindRow(5600));
      const upload = await submit(tokens.northwind, wide);
      expect(upload.status).toBe(400);
      expect(upload.body).toMatchObject({ code: 'TOO_MANY_COLUMNS', message: expect.stringContaining('100010 columns') });
      expect(JSON.stringify(upload.body).length).toBeLessThan(2_000);
      expect(await recordedFor(upload.requestId)).toEqual([]);

      const unknown = csv(`${HEADER},${Array.from({ length: 150 }, (_, i) => `Extra ${i}`).join(',')}`, northwindRow(5601));
      const many = await submit(tokens.northwind, unknown);
      expect(many.status).toBe(400);
      const body = many.body as FileError & { details: { problems: unknown[]; problemsTotal: number } };
      expect(body).toMatchObject({ code: 'UNKNOWN_COLUMN', details: { problemsTotal: 150 } });
      expect(body.details.problems).toHaveLength(20);
      expect(body.message).toContain('and 130 more');
      expect(await snapshot()).toEqual(before);
    });

    it('answers damaged files with the project’s codes and words, never a library’s', async () => {
      const before = await snapshot();
      const csvAsXlsx = await submit(tokens.northwind, csv(HEADER, northwindRow(5700)), { as: 'xlsx' });
      expect(csvAsXlsx.status).toBe(400);
      expect(csvAsXlsx.body).toMatchObject({ code: 'NOT_XLSX', message: expect.stringMatching(/^The file is not an \.xlsx workbook/) });
      expect((csvAsXlsx.body as FileError).message).not.toMatch(/signature|0x/i);

      const strayQuote = await submit(tokens.northwind, csv(HEADER, northwindRow(5701, { 9: 'fix "soon"' })));
      expect(strayQuote.status).toBe(400);
      expect(strayQuote.body).toMatchObject({ code: 'MALFORMED_CSV', message: expect.stringContaining('Row 2 (line 2)'), details: { row: 2, line: 2 } });
      expect((strayQuote.body as FileError).message).not.toMatch(/Invalid Opening Quote|found on field/i);

      const afterClosingQuote = await submit(tokens.northwind, csv(HEADER, northwindRow(5702, { 9: '"fix" soon' })));
      expect(afterClosingQuote.body).toMatchObject({ code: 'MALFORMED_CSV', details: { row: 2, line: 2 } });
      expect((afterClosingQuote.body as FileError).message).not.toMatch(/Invalid Closing Quote|found on field/i);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a multipart upload with two files (400 MORE_THAN_ONE_FILE) instead of recording the first', async () => {
      const before = await snapshot();
      const form = new FormData();
      form.append('file', new Blob([csv(HEADER, northwindRow(5800))]), 'first.csv');
      form.append('file', new Blob([csv(HEADER, northwindRow(5801))]), 'second.csv');
      const requestId = `e2e-${randomUUID()}`;
      const response = await fetch(`${intake}/submissions`, { method: 'POST', headers: { authorization: `Bearer ${tokens.northwind}`, 'x-request-id': requestId }, body: form });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'MORE_THAN_ONE_FILE', message: expect.stringContaining('one file') });
      expect(await recordedFor(requestId)).toEqual([]);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('who may do what', () => {
    it('lets only registered manufacturers and CSPs submit', async () => {
      const file = csv(HEADER, northwindRow(8001));
      for (const who of ['supplier', 'network', 'secas', 'dsp', 'dcc']) {
        expect([who, (await submit(tokens[who], file)).status]).toEqual([who, 403]);
      }
      const anonymous = await fetch(`${intake}/submissions`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file });
      expect(anonymous.status).toBe(401);
      const unregistered = await submit(tokens.unregistered, file);
      expect(unregistered.status).toBe(403);
      expect(unregistered.body).toMatchObject({ code: 'FORBIDDEN_PARTY_NOT_REGISTERED', message: expect.stringContaining('not registered') });
    });

    it('rejects rows naming another manufacturer’s make, and non-Comms-Hub devices from a CSP', async () => {
      const foreign = await submit(tokens.northwind, csv(HEADER, northwindRow(8101, { 1: 'Vantage Meters' })));
      expect(foreign.body).toMatchObject({ counts: { accepted: 0, rejected: 1 }, rejections: [{ row: 2, column: 'Make', code: 'MAKE_NOT_DECLARED' }] });
      const meter = await submit(tokens.hexcom, csv(HEADER, '90,Hexcom,HX-CH2,38040404,ESME,CSP,Defect,14/03/2026,No,'));
      expect(meter.body).toMatchObject({ counts: { rejected: 1 }, rejections: [{ column: 'Device Type', code: 'DEVICE_TYPE_NOT_ALLOWED' }] });
      const source = await submit(tokens.northwind, csv(HEADER, northwindRow(8102, { 5: 'CSP' })));
      expect(source.body).toMatchObject({ rejections: [{ column: 'Source', code: 'SOURCE_MISMATCH' }] });
    });

    it('shows a provider its own submissions and items only, DCC everyone’s, and nobody else anything', async () => {
      const vantage = await get<{ submissions: Array<{ submissionId: string; provider: string }> }>('/submissions', tokens.vantage);
      expect(vantage.status).toBe(200);
      expect(new Set(vantage.body.submissions.map((s) => s.provider))).toEqual(new Set(['MFR-VANTAGE']));
      const vantageSubmission = vantage.body.submissions[0].submissionId;

      // Another provider's submission is answered as not found, so ids reveal nothing.
      expect((await get(`/submissions/${vantageSubmission}`, tokens.northwind)).status).toBe(404);
      expect((await get(`/submissions/${vantageSubmission}/rejections`, tokens.northwind)).status).toBe(404);
      expect((await get(`/submissions/${vantageSubmission}`, tokens.dcc)).status).toBe(200);
      expect((await get('/submissions?provider=MFR-VANTAGE', tokens.northwind)).status).toBe(403);
      expect((await get('/items?provider=MFR-VANTAGE', tokens.northwind)).status).toBe(403);

      const northwindItems = await get<{ items: Array<{ provider: string }> }>('/items?limit=1000', tokens.northwind);
      expect(new Set(northwindItems.body.items.map((i) => i.provider))).toEqual(new Set(['MFR-NORTHWIND']));
      const all = await get<{ items: Array<{ provider: string }> }>('/items?limit=1000', tokens.dcc);
      expect(new Set(all.body.items.map((i) => i.provider))).toEqual(new Set(['MFR-NORTHWIND', 'MFR-VANTAGE', 'CSP-HEXCOM', 'MFR-HEXCOM']));
      const dccHistory = await get<{ submissions: Array<{ provider: string }> }>('/submissions?provider=MFR-VANTAGE', tokens.dcc);
      expect(new Set(dccHistory.body.submissions.map((s) => s.provider))).toEqual(new Set(['MFR-VANTAGE']));

      for (const who of ['supplier', 'network', 'secas', 'dsp']) {
        for (const path of ['/submissions', `/submissions/${vantageSubmission}`, `/submissions/${vantageSubmission}/rejections`, '/items', '/items/possible-duplicates']) {
          expect([who, path, (await get(path, tokens[who])).status]).toEqual([who, path, 403]);
        }
      }
    });

    it('pages items by (provider, Identifier) with a cursor, filtered by device', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/items?make=northwind%20metering&deviceType=ESME&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await get<{ items: Array<{ identifier: string; deviceType: string }>; nextCursor: string | null }>(query, tokens.northwind);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        for (const item of page.body.items) expect(item.deviceType).toBe('ESME');
        seen.push(...page.body.items.map((i) => i.identifier));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...seen].sort((a, b) => Number(a) - Number(b)));
      expect(seen).toEqual(expect.arrayContaining(['1001', '1002', '1005', '1006', '7001', '7002', '7003']));
      expect((await get('/items?deviceType=toaster', tokens.northwind)).status).toBe(400);
      expect((await get('/items?cursor=not-a-cursor', tokens.northwind)).status).toBe(400);
    });

    it('pages a long list of rejections from the stored report', async () => {
      const rows = Array.from({ length: 1_205 }, (_, i) => northwindRow(9000 + i, { 8: 'Perhaps' }));
      const upload = await submit(tokens.northwind, csv(HEADER, ...rows));
      expect(upload.status).toBe(201);
      const report = upload.body as Report;
      expect(report).toMatchObject({ counts: { rejected: 1_205 }, rejectionsTotal: 1_205, nextCursor: '1000' });
      expect(report.rejections).toHaveLength(1_000);
      const rest = await get<{ rejections: Array<{ row: number }>; nextCursor: string | null }>(`/submissions/${report.submissionId}/rejections?cursor=${report.nextCursor}`, tokens.northwind);
      expect(rest.status).toBe(200);
      expect(rest.body.rejections.map((r) => r.row)).toEqual(Array.from({ length: 205 }, (_, i) => 1_002 + i));
      expect(rest.body.nextCursor).toBeNull();
    });
  });

  describe('publication', () => {
    it('publishes every recorded event through the relay', async () => {
      await waitFor(async () => {
        const relay = await get<{ backlog: number }>('/ops/relay', tokens.dcc);
        return relay.body.backlog === 0;
      }, 60_000, 'the relay to publish everything');
      const flagged = await events.waitForKey('item-MFR-HEXCOM-501', 2);
      expect(flagged[1]).toMatchObject({ matchCount: 1 });
    });
  });
});
