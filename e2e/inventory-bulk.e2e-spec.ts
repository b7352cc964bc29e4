import { waitFor } from '@smi/testing';
import { ESME_DETAILS, InventoryClient, PARTIES, PartyName } from './support/inventory';
import { TestSystem } from './support/system';

interface JobView {
  jobId: string;
  status: string;
  fileName: string | null;
  fileHash: string;
  sender: { userId: string; partyId: string };
  totalRows: number;
  processedRows: number;
  counts: Record<string, number>;
  repeated: number;
  acceptedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  results: string;
}

interface HistoryEntry {
  type: string;
  data: Record<string, unknown>;
  actor: { userId: string; partyId: string } | null;
  correlationId: string;
}

/**
 * Bulk correction of ESME Variants and the variant outlier report, against the compiled inventory process with
 * the real PostgreSQL and Kafka: a supplier's file of `Device ID,ESME Variant` rows runs as SR8.4s under the
 * same rules, in the background; the same file again changes nothing; the report finds a planted wrong letter.
 */
describe('inventory: bulk correction and the variant outlier report', () => {
  const system = new TestSystem();
  const inventory = new InventoryClient(system);
  const tokens = new Map<PartyName, string>();

  const MINE_1 = '00-DB-12-34-56-78-A0-01';
  const MINE_2 = '00-DB-12-34-56-78-A0-02';
  const MINE_PENDING = '00-DB-12-34-56-78-A0-03';
  const THEIRS = '00-DB-12-34-56-78-B0-01';
  const NOWHERE = '00-DB-12-34-56-78-F0-FF';

  // The file as a spreadsheet saves it: byte order mark, CRLF, a lower-case Device ID without dashes, quoted
  // cells, malformed rows (bad Device ID, bad variant, a missing column, a formula), blank rows at the end.
  const FILE = Buffer.from(
    '\uFEFFDevice ID,ESME Variant\r\n' +
      '00db12345678a001,AD\r\n' + // 1: I0, A → AD
      `"${MINE_2}",B\r\n` + // 2: I0, A → B (a wrong letter put right)
      `${MINE_PENDING},ADE\r\n` + // 3: I0 while Pending, by the pre-notifying user
      `${THEIRS},C\r\n` + // 4: E19, another supplier's device is answered as if it were not in the SMI
      `${NOWHERE},A\r\n` + // 5: E19, not in the SMI
      'not-a-device,B\r\n' + // 6: MALFORMED Device ID
      `${MINE_1},E\r\n` + // 7: MALFORMED variant
      `${MINE_1}\r\n` + // 8: MALFORMED, one column
      '"=HYPERLINK(""http://x"")",A\r\n' + // 9: MALFORMED, shown neutralised
      ',\r\n\r\n',
    'utf8',
  );
  const MAX_UPLOAD_BYTES = 8 * 1024;
  const EXPECTED_CODES = ['I0', 'I0', 'I0', 'E19', 'E19', 'MALFORMED', 'MALFORMED', 'MALFORMED', 'MALFORMED'];

  async function bearer(name: PartyName): Promise<string> {
    let token = tokens.get(name);
    if (!token) {
      const p = PARTIES[name];
      token = await system.token({ sub: p.sub, party: p.party, partyType: p.partyType, roles: p.roles });
      tokens.set(name, token);
    }
    return token;
  }

  async function uploadMultipart(name: PartyName, bytes: Buffer, fileName = 'corrections.csv') {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'text/csv' }), fileName);
    const response = await fetch(`${system.url('inventory')}/bulk-corrections`, { method: 'POST', headers: { authorization: `Bearer ${await bearer(name)}` }, body: form });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
  }

  async function uploadBody(name: PartyName, bytes: Buffer | string, contentType = 'text/csv') {
    const response = await fetch(`${system.url('inventory')}/bulk-corrections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await bearer(name)}`, 'content-type': contentType },
      body: bytes,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
  }

  async function results(name: PartyName, jobId: string): Promise<{ status: number; text: string; type: string | null }> {
    const response = await fetch(`${system.url('inventory')}/bulk-corrections/${jobId}/results`, { headers: { authorization: `Bearer ${await bearer(name)}` } });
    return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
  }

  async function completed(jobId: string): Promise<JobView> {
    return waitFor(
      async () => {
        const job = (await inventory.as('supplierA', 'GET', `/bulk-corrections/${jobId}`)).body as JobView;
        return job.status === 'completed' || job.status === 'failed' ? job : undefined;
      },
      60_000,
      `bulk correction ${jobId} to finish`,
    );
  }

  const history = async (deviceId: string) => ((await inventory.as('dcc', 'GET', `/devices/${deviceId}/history`)).body as { events: HistoryEntry[] }).events;

  /** A SMETS2 ESME in the SMI, Commissioned unless asked otherwise. */
  async function esme(owner: PartyName, deviceId: string, details: Record<string, unknown> = ESME_DETAILS, status: string | null = 'Commissioned'): Promise<void> {
    expect((await inventory.preNotify(owner, deviceId, details)).status).toBe(200);
    if (status) expect((await inventory.status(deviceId, status)).status).toBe(200);
  }

  let firstJob: JobView;

  beforeAll(async () => {
    // A small upload limit, so that "too large" needs no large file.
    await system.start(['inventory'], { INVENTORY_BULK_MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
    await esme('supplierA', MINE_1);
    await esme('supplierA', MINE_2);
    await esme('supplierA', MINE_PENDING, ESME_DETAILS, null);
    await esme('supplierB', THEIRS);
  });

  afterAll(async () => {
    await system.stop();
  });

  it('a supplier uploads a file (multipart): 202 with a job id; the job runs every row as an SR8.4 and completes', async () => {
    const upload = await uploadMultipart('supplierA', FILE);
    expect(upload.status).toBe(202);
    expect(upload.body).toMatchObject({ status: 'queued', fileName: 'corrections.csv', totalRows: 9, sender: { userId: PARTIES.supplierA.sub, partyId: 'SUPPLIER-A' } });
    const jobId = upload.body.jobId as string;
    expect(upload.headers.get('location')).toBe(`/bulk-corrections/${jobId}`);

    firstJob = await completed(jobId);
    expect(firstJob).toMatchObject({
      status: 'completed',
      totalRows: 9,
      processedRows: 9,
      counts: { I0: 3, E19: 2, MALFORMED: 4 },
      repeated: 0,
      fileHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      results: `/bulk-corrections/${jobId}/results`,
    });
    expect(Date.parse(firstJob.finishedAt as string)).toBeGreaterThanOrEqual(Date.parse(firstJob.startedAt as string));

    const devices = await Promise.all([MINE_1, MINE_2, MINE_PENDING, THEIRS].map(async (id) => (await inventory.as('dcc', 'GET', `/devices/${id}`)).body));
    expect(devices.map((d) => (d as { esmeVariant: string }).esmeVariant)).toEqual(['AD', 'B', 'ADE', 'A']);
  });

  it('each correction is an SR8.4 from the uploading user, with a RequestID derived from the file, correlated with the upload', async () => {
    const events = await history(MINE_2);
    const corrected = events.find((e) => e.type === 'EsmeVariantCorrected');
    expect(corrected).toMatchObject({ actor: { userId: PARTIES.supplierA.sub, partyId: 'SUPPLIER-A' }, data: { from: 'A', to: 'B', serviceReference: '8.4' } });
    expect(corrected?.data.requestId).toMatch(new RegExp(`^${PARTIES.supplierA.sub}:${MINE_2}:\\d{19,20}$`));
    const answer = events.find((e) => e.type === 'ServiceRequestAnswered' && e.data.requestId === corrected?.data.requestId);
    expect(answer).toMatchObject({ data: { responseCode: 'I0', channel: 'http' }, correlationId: corrected?.correlationId });
    expect((await history(MINE_PENDING)).some((e) => e.type === 'InventoryUpdated')).toBe(true);
    expect((await history(THEIRS)).find((e) => e.type === 'ServiceRequestRefused')).toMatchObject({ data: { responseCode: 'E19' }, actor: { partyId: 'SUPPLIER-A' } });

    // The job's own stream: accepted with the file's hash, completed with the counts.
    const stream = await inventory.as('dcc', 'GET', `/audit/streams/bulk-correction-${firstJob.jobId}`);
    const jobEvents = (stream.body as { events: Array<{ type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }> }).events;
    expect(jobEvents.map((e) => e.type)).toEqual(['BulkCorrectionAccepted', 'BulkCorrectionCompleted']);
    expect(jobEvents[0]).toMatchObject({ data: { jobId: firstJob.jobId, fileHash: firstJob.fileHash, rows: 9 }, metadata: { correlationId: corrected?.correlationId } });
    expect(jobEvents[1].data).toMatchObject({ counts: { I0: 3, E19: 2, MALFORMED: 4 }, repeated: 0 });
  });

  it('the results file lists every row with its code, formulas neutralised', async () => {
    const file = await results('supplierA', firstJob.jobId);
    expect(file.status).toBe(200);
    expect(file.type).toMatch(/^text\/csv/);
    const lines = file.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Row,Device ID,ESME Variant,Response Code,Message');
    const rows = lines.slice(1);
    expect(rows).toHaveLength(9);
    expect(rows.map((line) => line.match(/^(\d+),(?:"(?:[^"]|"")*"|[^,]*),(?:[^,]*),([A-Z0-9]+),/)?.slice(1, 3))).toEqual(
      EXPECTED_CODES.map((code, i) => [String(i + 1), code]),
    );
    expect(rows[0]).toBe(`1,${MINE_1},AD,I0,ESME Variant corrected from A to AD`);
    expect(rows[4]).toBe(`5,${NOWHERE},A,E19,device is not in the SMI`);
    expect(rows[8]).toMatch(/^9,"'=HYPERLINK\(""http:\/\/x""\)",A,MALFORMED,/);
  });

  it('the same file uploaded again changes nothing: every request is answered from its record', async () => {
    const before = await Promise.all([MINE_1, MINE_2, MINE_PENDING, THEIRS, NOWHERE].map(async (id) => (await history(id)).length));
    // Same bytes, sent the other way (a text/csv body): the same RequestIDs.
    const again = await uploadBody('supplierA', FILE);
    expect(again.status).toBe(202);
    const job = await completed(again.body.jobId as string);
    expect(job).toMatchObject({ status: 'completed', fileHash: firstJob.fileHash, counts: firstJob.counts, repeated: 5 });
    expect(job.jobId).not.toBe(firstJob.jobId);
    const after = await Promise.all([MINE_1, MINE_2, MINE_PENDING, THEIRS, NOWHERE].map(async (id) => (await history(id)).length));
    expect(after).toEqual(before);
    expect((await results('supplierA', job.jobId)).text).toBe((await results('supplierA', firstJob.jobId)).text);
  });

  it('only suppliers upload; a supplier sees only its own jobs, DCC sees all', async () => {
    for (const party of ['network', 'manufacturer', 'dcc', 'dsp'] as const) {
      expect([party, (await uploadBody(party, FILE)).status]).toEqual([party, 403]);
    }
    // The rows' RequestIDs originate from the sender's DCC User ID: a supplier token whose sub is not one cannot send them.
    const notADccUser = await system.token({ sub: 'alice@supplier-a', party: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] });
    const refused = await fetch(`${system.url('inventory')}/bulk-corrections`, { method: 'POST', headers: { authorization: `Bearer ${notADccUser}`, 'content-type': 'text/csv' }, body: FILE });
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([403, 'FORBIDDEN_NOT_A_DCC_USER']);
    expect((await inventory.as('supplierB', 'GET', `/bulk-corrections/${firstJob.jobId}`)).status).toBe(404);
    expect((await results('supplierB', firstJob.jobId)).status).toBe(404);
    expect((await inventory.as('manufacturer', 'GET', `/bulk-corrections/${firstJob.jobId}`)).status).toBe(403);
    expect((await inventory.as('network', 'GET', `/bulk-corrections/${firstJob.jobId}/results`)).status).toBe(403);
    expect((await inventory.as('dcc', 'GET', `/bulk-corrections/${firstJob.jobId}`)).body).toMatchObject({ jobId: firstJob.jobId, status: 'completed' });
    expect((await results('dcc', firstJob.jobId)).status).toBe(200);
    expect((await inventory.as('supplierA', 'GET', '/bulk-corrections/not-a-job')).status).toBe(404);

    const ids = (body: unknown) => (body as { items: JobView[] }).items.map((j) => j.jobId);
    expect(ids((await inventory.as('supplierB', 'GET', '/bulk-corrections')).body)).toEqual([]);
    expect(ids((await inventory.as('supplierA', 'GET', '/bulk-corrections')).body)).toContain(firstJob.jobId);
    expect(ids((await inventory.as('dcc', 'GET', '/bulk-corrections')).body)).toContain(firstJob.jobId);
  });

  it('a file that is not a correction file is refused 400 (413 when too large) at upload and nothing is recorded', async () => {
    const jobsBefore = ((await inventory.as('dcc', 'GET', '/bulk-corrections')).body as { items: unknown[] }).items.length;
    const cases: Array<[string, Buffer | string, string]> = [
      ['wrong header', 'Device,Variant\r\n00-DB-12-34-56-78-A0-01,B\r\n', 'WRONG_HEADER'],
      ['no header', `${MINE_1},B\r\n`, 'MISSING_HEADER'],
      ['empty', '', 'MISSING_HEADER'],
      ['header only', 'Device ID,ESME Variant\r\n', 'NO_ROWS'],
      ['not CSV: an unclosed quote', `Device ID,ESME Variant\r\n"${MINE_1},B\r\n`, 'NOT_CSV'],
      ['not CSV: a workbook', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]), 'NOT_CSV'],
    ];
    for (const [why, bytes, code] of cases) {
      const refused = await uploadMultipart('supplierA', Buffer.from(bytes));
      expect([why, refused.status, refused.body.code]).toEqual([why, 400, code]);
    }
    expect((await uploadBody('supplierA', 'Device,Variant\r\n')).status).toBe(400);
    const json = await uploadBody('supplierA', JSON.stringify({ rows: [] }), 'application/json');
    expect([json.status, json.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const noFile = new FormData();
    noFile.append('note', 'no file here');
    const missing = await fetch(`${system.url('inventory')}/bulk-corrections`, { method: 'POST', headers: { authorization: `Bearer ${await bearer('supplierA')}` }, body: noFile });
    expect(missing.status).toBe(400);
    const tooLarge = Buffer.from(`Device ID,ESME Variant\r\n${`${MINE_1},B\r\n`.repeat(Math.ceil(MAX_UPLOAD_BYTES / 25))}`);
    expect([(await uploadMultipart('supplierA', tooLarge)).body.code, (await uploadBody('supplierA', tooLarge)).body.code]).toEqual(['FILE_TOO_LARGE', 'FILE_TOO_LARGE']);
    expect((await uploadBody('supplierA', tooLarge)).status).toBe(413);
    // Far over the limit: the client still gets the answer rather than a broken connection.
    const muchTooLarge = Buffer.concat([Buffer.from('Device ID,ESME Variant\r\n'), Buffer.alloc(2 * 1024 * 1024, `${MINE_1},B\r\n`)]);
    expect([(await uploadMultipart('supplierA', muchTooLarge)).status, (await uploadBody('supplierA', muchTooLarge)).status]).toEqual([413, 413]);
    expect(((await inventory.as('dcc', 'GET', '/bulk-corrections')).body as { items: unknown[] }).items).toHaveLength(jobsBefore);
    expect((await history(MINE_1)).filter((e) => e.type === 'EsmeVariantCorrected')).toHaveLength(1);
  });

  it('an upload sent the wrong way is told what to send, in the project’s own words, and nothing is recorded', async () => {
    const jobsBefore = ((await inventory.as('dcc', 'GET', '/bulk-corrections')).body as { items: unknown[] }).items.length;
    const xlsx = await uploadBody('supplierA', Buffer.from([0x50, 0x4b, 0x03, 0x04]), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect([xlsx.status, xlsx.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(xlsx.body.message).toEqual(expect.stringContaining('multipart/form-data'));
    expect(xlsx.body.message).toEqual(expect.stringContaining('text/csv'));

    const twoFiles = new FormData();
    twoFiles.append('file', new Blob([`Device ID,ESME Variant\r\n${MINE_1},B\r\n`], { type: 'text/csv' }), 'first.csv');
    twoFiles.append('file', new Blob([`Device ID,ESME Variant\r\n${MINE_2},B\r\n`], { type: 'text/csv' }), 'second.csv');
    const both = await fetch(`${system.url('inventory')}/bulk-corrections`, { method: 'POST', headers: { authorization: `Bearer ${await bearer('supplierA')}` }, body: twoFiles });
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ code: 'MORE_THAN_ONE_FILE' });

    const strayQuote = await uploadBody('supplierA', `Device ID,ESME Variant\r\n${MINE_1},B "x"\r\n`);
    expect([strayQuote.status, strayQuote.body.code]).toEqual([400, 'NOT_CSV']);
    expect(strayQuote.body.message).toEqual(expect.stringContaining('line 2'));
    expect(strayQuote.body.message).not.toMatch(/Invalid Opening Quote|found on field/i);

    expect(((await inventory.as('dcc', 'GET', '/bulk-corrections')).body as { items: unknown[] }).items).toHaveLength(jobsBefore);
  });

  describe('the variant outlier report', () => {
    const MODEL = '00060001';
    const TIED_MODEL = '00060002';
    const OTHER_MAKE = '2201';
    const A_MAJORITY = ['00-DB-12-34-56-78-C0-01', '00-DB-12-34-56-78-C0-02', '00-DB-12-34-56-78-C0-03'];
    const A_PLANTED = '00-DB-12-34-56-78-C0-04';
    const B_MAJORITY = '00-DB-12-34-56-78-C0-05';
    const B_PLANTED = '00-DB-12-34-56-78-C0-06';
    const TIED = ['00-DB-12-34-56-78-C1-01', '00-DB-12-34-56-78-C1-02'];
    const details = (variant: string, model = MODEL, manufacturer = OTHER_MAKE) => ({ ...ESME_DETAILS, manufacturer, model, esmeVariant: variant });

    interface Report {
      responsibleSupplier: string | null;
      groups: Array<Record<string, unknown>>;
      items: Array<Record<string, unknown>>;
      nextCursor: string | null;
    }
    const report = async (party: PartyName, query = '') => {
      const response = await inventory.as(party, 'GET', `/reports/variant-outliers${query}`);
      expect(response.status).toBe(200);
      return response.body as Report;
    };

    beforeAll(async () => {
      // Model 2201/00060001: five single-element ESMEs (A, AD, ADE) and two twin (B, BD), one per supplier.
      for (const [i, id] of A_MAJORITY.entries()) await esme('supplierA', id, details(['A', 'AD', 'ADE'][i]));
      await esme('supplierA', A_PLANTED, details('BD'));
      await esme('supplierB', B_MAJORITY, details('A'), 'InstalledNotCommissioned');
      await esme('supplierB', B_PLANTED, details('B'));
      // Model 2201/00060002: one A, one C: no majority, nothing to report.
      await esme('supplierA', TIED[0], details('A', TIED_MODEL));
      await esme('supplierA', TIED[1], details('C', TIED_MODEL));
    });

    it('DCC sees every ESME whose letter differs from its model’s majority, with the majority, its share and counts', async () => {
      const all = await report('dcc', `?manufacturer=${OTHER_MAKE}`);
      expect(all.responsibleSupplier).toBeNull();
      expect(all.items).toEqual([
        { deviceId: A_PLANTED, manufacturer: OTHER_MAKE, model: MODEL, esmeVariant: 'BD', letter: 'B', majorityLetter: 'A', majorityShare: 0.6667, status: 'Commissioned', responsibleSupplier: 'SUPPLIER-A' },
        { deviceId: B_PLANTED, manufacturer: OTHER_MAKE, model: MODEL, esmeVariant: 'B', letter: 'B', majorityLetter: 'A', majorityShare: 0.6667, status: 'Commissioned', responsibleSupplier: 'SUPPLIER-B' },
      ]);
      expect(all.groups).toEqual([
        { responsibleSupplier: 'SUPPLIER-A', manufacturer: OTHER_MAKE, model: MODEL, majorityLetter: 'A', majorityShare: 0.6667, modelEsmes: 6, majorityEsmes: 4, outliers: 1 },
        { responsibleSupplier: 'SUPPLIER-B', manufacturer: OTHER_MAKE, model: MODEL, majorityLetter: 'A', majorityShare: 0.6667, modelEsmes: 6, majorityEsmes: 4, outliers: 1 },
      ]);
      expect(all.items.some((item) => TIED.includes(item.deviceId as string))).toBe(false);
      expect((await report('dcc', `?responsibleSupplier=SUPPLIER-B&manufacturer=${OTHER_MAKE}`)).items.map((i) => i.deviceId)).toEqual([B_PLANTED]);
    });

    it('a supplier sees only its own outliers, whatever it asks for; pages follow the cursor', async () => {
      const mine = await report('supplierA', `?manufacturer=${OTHER_MAKE}&model=${MODEL.toLowerCase()}`);
      expect(mine.responsibleSupplier).toBe('SUPPLIER-A');
      expect(mine.items.map((i) => i.deviceId)).toEqual([A_PLANTED]);
      expect(mine.groups).toHaveLength(1);
      expect((await report('supplierA', '?responsibleSupplier=SUPPLIER-B')).items.every((i) => i.responsibleSupplier === 'SUPPLIER-A')).toBe(true);
      expect((await report('supplierB')).items.map((i) => i.deviceId)).toEqual([B_PLANTED]);

      const first = await report('dcc', `?manufacturer=${OTHER_MAKE}&limit=1`);
      expect(first.items.map((i) => i.deviceId)).toEqual([A_PLANTED]);
      const second = await report('dcc', `?manufacturer=${OTHER_MAKE}&limit=1&cursor=${encodeURIComponent(first.nextCursor as string)}`);
      expect(second.items.map((i) => i.deviceId)).toEqual([B_PLANTED]);
      expect(second.nextCursor).toBeNull();
    });

    it('a correction takes a device off the report at once; other parties are refused; bad filters are 400', async () => {
      const upload = await uploadBody('supplierA', `Device ID,ESME Variant\r\n${A_PLANTED},AD\r\n`);
      expect((await completed(upload.body.jobId as string)).counts).toEqual({ I0: 1 });
      expect((await report('supplierA', `?manufacturer=${OTHER_MAKE}`)).items).toEqual([]);

      expect((await inventory.as('network', 'GET', '/reports/variant-outliers')).status).toBe(403);
      expect((await inventory.as('manufacturer', 'GET', '/reports/variant-outliers')).status).toBe(403);
      for (const [query, field] of [
        ['?model=XYZ', 'model'],
        ['?manufacturer=10', 'manufacturer'],
        ['?limit=0', 'limit'],
        ['?cursor=nonsense', 'cursor'],
      ]) {
        const bad = await inventory.as('dcc', 'GET', `/reports/variant-outliers${query}`);
        expect([query, bad.status, (bad.body as { errors: Array<{ field: string }> }).errors[0].field]).toEqual([query, 400, field]);
      }
    });
  });
});
