import { PartyType } from '@smi/auth';
import { CanonicalDevice, SUBMISSION_COLUMNS } from '@smi/contracts';
import { parse } from 'csv-parse/sync';
import * as ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AdjustableClock } from '../test-support/adjustable-clock';
import { IntakeTopic } from '../test-support/intake-events';
import { PublicationTestApp, publicationTokens, startPublicationTestApp } from '../test-support/publication-test-app';
import { publicationEvents, publicationSettled } from '../test-support/publication-waits';
import {
  caseClaimed,
  caseStream,
  caseVerified,
  itemCaseOpened,
  itemContent,
  ItemContent,
  itemPublishable,
  itemVerified,
  itemWithdrawn,
  makeAdded,
  makeStream,
  modelAdded,
  publishedItem,
  publishedItemCase,
  revisionReceived,
  VerificationTopic,
  verifiedItemCase,
} from '../test-support/verification-events';
import { ReleaseDueScheduler } from './release-due.scheduler';

/**
 * Quarterly releases on the real service: verification's and intake's events produced to the test topics with the
 * contracts' shapes, copied and projected by publication, releases cut and downloaded over HTTP. The clock is
 * injected: Monday 5 October 2026, then past the 10th working day after Q3.
 */

const NW = randomUUID();
const NW_E470 = randomUUID();
const ACME = randomUUID();
const ACME_X1 = randomUUID();
const northwind: CanonicalDevice = { makeId: NW, make: 'Northwind Metering', manufacturerId: '1A2B', modelId: NW_E470, model: 'NW-E470', smiModelId: '0000E470' };
const acme: CanonicalDevice = { makeId: ACME, make: 'Acme Meters', manufacturerId: '10A3', modelId: ACME_X1, model: 'X1', smiModelId: '00050203' };

const A = randomUUID(); // published; revised before release 2
const B = randomUUID(); // published, its fix a formula; withdrawn before release 2
const C = randomUUID(); // submitted, never verified, no fix
const E = randomUUID(); // verified, no fix: never publishable
const D = randomUUID(); // published after release 1

const HYPERLINK = '=HYPERLINK("http://evil.example","Fix")';
const contentA = itemContent({ identifier: '42', fixInformation: 'Upgrade to 38040405' });
const contentA2: ItemContent = { ...contentA, fixInformation: 'Upgrade to 38040406', dateLastUpdated: '2026-10-01' };
const contentB = itemContent({ identifier: '7', make: 'ACME', model: 'X1', firmwareVersion: '38041111', deviceType: 'GSME', fixInformation: HYPERLINK });
const contentC = itemContent({ identifier: '99', firmwareVersion: '38049999', fixAvailable: false, fixInformation: 'secret workaround: roll back' });
const contentE = itemContent({ identifier: '8', make: 'Acme Meters', model: 'X1', firmwareVersion: '38042222', fixAvailable: false, fixInformation: null });
const contentD = itemContent({ identifier: '43', firmwareVersion: '38041234', fixInformation: '-1 day rollback, then 38041235' });

/** What must never reach SECAS: the unpublished items, by id and by their content. */
const UNPUBLISHED = [C, E, '38049999', 'secret workaround', '38042222'];

type Json = Record<string, unknown>;

describe('releases: cut, editions, downloads, diff and ReleaseDue (real PostgreSQL and Kafka)', () => {
  const clock = new AdjustableClock('2026-10-05T09:00:00.000Z');
  let publication: PublicationTestApp;
  let db: DataSource;
  let verification: VerificationTopic;
  let intake: IntakeTopic;
  let tokens: Record<PartyType, string>;
  let registrar: string;
  /** Every body SECAS received: nothing unpublished may appear in any of them. */
  const secasBodies: string[] = [];

  async function fetchRaw(path: string, token: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const response = await fetch(`${publication.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (token === tokens.secas) secasBodies.push(bytes.toString('utf8'));
    return { status: response.status, headers: response.headers, bytes };
  }
  const getJson = async (path: string, token: string) => {
    const { status, bytes } = await fetchRaw(path, token);
    return { status, body: JSON.parse(bytes.toString('utf8')) as Json & Json[] };
  };
  const csvRows = (bytes: Buffer) => parse(bytes.toString('utf8'), { bom: true }) as string[][];
  const cut = (label: string, token = registrar) => publication.call('POST', '/releases', token, { label });

  const settled = () => publicationSettled(publication, tokens.dcc, { verification, intake });

  const publish = (caseId: string, content: ItemContent, canonical: CanonicalDevice) => verification.send(caseStream(caseId), publishedItemCase(caseId, content, canonical));

  beforeAll(async () => {
    publication = await startPublicationTestApp('releases', { clock, env: { PUBLICATION_RELEASE_DUE_CHECK_INTERVAL_MS: '86400000', PUBLICATION_RELEASES_FROM: '2026-Q3' } });
    db = publication.app.get(DataSource);
    verification = new VerificationTopic(publication.topicPrefix);
    intake = new IntakeTopic(publication.topicPrefix);
    ({ byPartyType: tokens, registrar } = await publicationTokens(publication));

    // Who was asked for Q3's data, and who supplied it.
    await intake.registerParty('MFR-NORTHWIND', 'Northwind Metering Ltd', 'manufacturer');
    await intake.registerParty('MFR-ACME', 'Acme Meters plc', 'manufacturer');
    await intake.registerParty('CSP-ONE', 'Comms One Ltd', 'csp');
    await intake.issueDataRequest('DR-000001', 'MFR-NORTHWIND', '2026-08-14');
    await intake.markOverdue('DR-000001', 'MFR-NORTHWIND', '2026-08-14', '2026-09-07', '2026-09-08');
    await intake.issueDataRequest('DR-000002', 'MFR-ACME', '2026-09-01');
    await intake.supply('DR-000002', 'MFR-ACME', '2026-08-28T10:00:00.000Z');
    await intake.issueDataRequest('DR-000003', 'CSP-ONE', '2026-09-25', 'csp');
    await intake.issueDataRequest('DR-000004', 'MFR-NORTHWIND', '2026-10-20');

    await verification.send(makeStream(NW), [makeAdded(NW, 'Northwind Metering', [], '1A2B'), modelAdded(NW, NW_E470, 'NW-E470', [], '0000E470')]);
    await verification.send(makeStream(ACME), [makeAdded(ACME, 'Acme Meters', ['ACME'], '10A3'), modelAdded(ACME, ACME_X1, 'X1', [], '00050203')]);
    await publish(A, contentA, northwind);
    await publish(B, contentB, acme);
    await verification.send(caseStream(C), [itemCaseOpened(C, contentC)]);
    await verification.send(caseStream(E), verifiedItemCase(E, contentE, acme));
    await settled();
  }, 120_000);

  afterAll(async () => {
    await verification?.close();
    await intake?.close();
    await publication?.stop();
  });

  it('raises ReleaseDue once for a quarter with no release by its 10th working day after it ended', async () => {
    const scheduler = publication.app.get(ReleaseDueScheduler);
    // Q3 2026 ended on Wednesday 30 September; its 10th working day after is Wednesday 14 October.
    clock.set('2026-10-14T22:59:00.000Z'); // 23:59 in London, still the 14th
    expect(await scheduler.checkNow()).toEqual([]);
    clock.set('2026-10-14T23:00:00.000Z'); // midnight in London: the 15th
    const [raised, ...more] = await scheduler.checkNow();
    expect(more).toEqual([]);
    expect(raised).toMatchObject({ type: 'ReleaseDue', label: '2026-Q3', period: { from: '2026-07-01', to: '2026-09-30' }, dueBy: '2026-10-14', workingDaysAllowed: 10 });
    expect(await scheduler.checkNow()).toEqual([]);
    clock.set('2026-10-20T09:00:00.000Z');
    expect(await scheduler.checkNow()).toEqual([]);
    const stream: Array<{ event_type: string; actor: string }> = await db.query(`SELECT event_type, metadata->'actor'->>'userId' AS actor FROM events WHERE stream_id = 'releases'`);
    expect(stream).toEqual([{ event_type: 'ReleaseDue', actor: 'system:publication.releases' }]);
    const list = await getJson('/releases', tokens.secas);
    expect(list.body).toEqual({ releases: [], due: [{ label: '2026-Q3', dueBy: '2026-10-14', detectedAt: '2026-10-14T23:00:00.000Z', releasedAs: null }] });
  });

  it('lets only DCC with the role registry.admin cut a release, and refuses what is not a quarter, naming the field', async () => {
    for (const token of [tokens.dcc, tokens.secas, tokens.supplier, tokens.manufacturer, tokens.csp, tokens.network, tokens.dsp]) {
      expect((await cut('2026-Q3', token)).status).toBe(403);
    }
    const bad = await cut('Q3 2026');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('label');
    expect((await publication.call('POST', '/releases', registrar, { label: '2026-Q3', extra: 1 })).status).toBe(400);
    expect((await publication.call('POST', '/releases', registrar, {})).status).toBe(400);
    const future = await cut('2027-Q1');
    expect(future.status).toBe(422);
    expect(future.body).toMatchObject({ code: 'RELEASE_PERIOD_NOT_STARTED' });
    expect(await db.query(`SELECT count(*)::int AS n FROM release_items`)).toEqual([{ n: 0 }]);
  });

  let release1: Json;
  let release1PublicCsv: Buffer;

  it('cuts release 1: both editions, its counts, and the providers that did not supply data for the quarter', async () => {
    const answer = await cut('2026-Q3');
    expect(answer.status).toBe(201);
    release1 = answer.body as Json;
    expect(release1).toMatchObject({
      number: 1,
      label: '2026-Q3',
      period: { from: '2026-07-01', to: '2026-09-30' },
      previousRelease: null,
      cutAt: '2026-10-20T09:00:00.000Z',
      editions: {
        public: { items: 2, byStatusOfInformation: { Issue: 0, Defect: 2, Fix: 0 }, changes: { new: 2, updated: 0, original: 0, removed: 0 } },
        dcc: { items: 4, byState: { queued: 1, verified: 3 }, published: 2, unverified: 1, changes: { new: 4, updated: 0, original: 0, removed: 0 } },
      },
      submissions: [{ providerPartyId: 'MFR-ACME', providerName: 'Acme Meters plc', providerPartyType: 'manufacturer', submissions: 1, rows: 12 }],
      cutBy: { partyId: 'DCC' },
    });
    // Northwind's request is overdue and CSP-ONE's still open; Acme supplied; Northwind's Q4 request is not Q3's.
    expect(release1.nonSuppliers).toEqual([
      { providerPartyId: 'CSP-ONE', providerName: 'Comms One Ltd', providerPartyType: 'csp', requests: [{ requestId: 'DR-000003', agreedDeliveryDate: '2026-09-25', status: 'open', overdueSince: null }] },
      {
        providerPartyId: 'MFR-NORTHWIND',
        providerName: 'Northwind Metering Ltd',
        providerPartyType: 'manufacturer',
        requests: [{ requestId: 'DR-000001', agreedDeliveryDate: '2026-08-14', status: 'overdue', overdueSince: '2026-09-08' }],
      },
    ]);
    expect(Object.keys(release1.catalogue as Json).sort()).toEqual(['data_requests', 'dcc_items', 'parties', 'published_items', 'submissions_received']);
    const [event] = await db.query(`SELECT data FROM events WHERE stream_id = 'releases' AND event_type = 'ReleaseCut'`);
    expect(event.data).toMatchObject({ number: 1, label: '2026-Q3', editions: release1.editions, nonSuppliers: release1.nonSuppliers });
  });

  it('gives SECAS the public edition as CSV in the submission file\'s columns, published items only, formulas neutralised', async () => {
    const download = await fetchRaw('/releases/1/download?edition=public&format=csv', tokens.secas);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="defects-release-1-2026-Q3-public.csv"');
    const [header, ...rows] = csvRows(download.bytes);
    expect(header).toEqual([...SUBMISSION_COLUMNS]);
    // The neutral order: Acme before Northwind.
    expect(rows).toEqual([
      ['7', 'Acme Meters', 'X1', '38041111', 'GSME', 'Device Manufacturer', 'Defect', '2026-02-27', 'Yes', `'${HYPERLINK}`],
      ['42', 'Northwind Metering', 'NW-E470', '38040404', 'ESME', 'Device Manufacturer', 'Defect', '2026-02-27', 'Yes', 'Upgrade to 38040405'],
    ]);
    release1PublicCsv = download.bytes;
  });

  it('gives DCC the DCC edition: every case in every state, each marked', async () => {
    const { status, body } = await getJson('/releases/1/download?edition=dcc&format=json', tokens.dcc);
    expect(status).toBe(200);
    const items = body as unknown as Json[];
    expect(items.map((i) => i.id)).toEqual([B, E, A, C]);
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get(C)).toMatchObject({ state: 'queued', verified: false, published: false, fixAvailable: false, make: null, submittedMake: 'Northwind Metering', change: 'new', providerPartyId: 'MFR-NORTHWIND' });
    expect(byId.get(E)).toMatchObject({ state: 'verified', verified: true, published: false, make: 'Acme Meters' });
    expect(byId.get(B)).toMatchObject({ state: 'verified', published: true, publishedVersion: 2, fixInformation: HYPERLINK });
    const csv = csvRows((await fetchRaw('/releases/1/download?edition=dcc&format=csv', tokens.dcc)).bytes);
    expect(csv[0]).toEqual([...SUBMISSION_COLUMNS]);
    // An unverified item keeps the make and model as submitted, so the row can seed the next submission.
    expect(csv.slice(1).map((row) => row[0])).toEqual(['7', '8', '42', '99']);
    expect(csv[4]).toEqual(['99', 'Northwind Metering', 'NW-E470', '38049999', 'ESME', 'Device Manufacturer', 'Defect', '2026-02-27', 'No', 'secret workaround: roll back']);
  });

  it('writes the XLSX with a cover sheet naming the overdue provider, and neutralised cells, as exceljs reads it back', async () => {
    const download = await fetchRaw('/releases/1/download?edition=public&format=xlsx', tokens.secas);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(download.bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Cover', 'Items']);
    const values = (sheet: ExcelJS.Worksheet) => {
      const rows: unknown[][] = [];
      sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    };
    const cover = values(workbook.getWorksheet('Cover')!);
    expect(cover).toEqual(
      expect.arrayContaining([
        ['Label', '2026-Q3'],
        ['Version', 1],
        ['Period', '2026-07-01 to 2026-09-30'],
        ['Cut date', '2026-10-20'],
        ['Defect', 2],
        ['Total', 2],
        ['New', 2],
        ['MFR-NORTHWIND', 'Northwind Metering Ltd', 'manufacturer', 'DR-000001', '2026-08-14', 'overdue', '2026-09-08'],
        ['CSP-ONE', 'Comms One Ltd', 'csp', 'DR-000003', '2026-09-25', 'open'],
        ['MFR-ACME', 'Acme Meters plc', 'manufacturer', 1, 12],
      ]),
    );
    // The public edition's cover says nothing of the DCC edition.
    expect(JSON.stringify(cover)).not.toMatch(/queued|Unverified|Cases by state/);
    const [header, ...items] = values(workbook.getWorksheet('Items')!);
    expect(header.slice(0, 10)).toEqual([...SUBMISSION_COLUMNS]);
    expect(header.slice(10)).toEqual(['Item ID', 'Version', 'Change since previous release', 'Manufacturer ID', 'SMI Model ID', 'Submitted Make', 'Submitted Model', 'Fixing Firmware Version', 'Description']);
    expect(items.map((row) => row[10])).toEqual([B, A]);
    expect(items[0][9]).toBe(`'${HYPERLINK}`);
    expect(items[0].slice(10, 15)).toEqual([B, '2', 'new', '10A3', '00050203']);

    const dccBook = new ExcelJS.Workbook();
    await dccBook.xlsx.load((await fetchRaw('/releases/1/download?edition=dcc&format=xlsx', tokens.dcc)).bytes as unknown as ArrayBuffer);
    const dccCover = values(dccBook.getWorksheet('Cover')!);
    expect(dccCover).toEqual(expect.arrayContaining([['Cases by state', 'Count'], ['queued', 1], ['Unverified', 1], ['Total', 4]]));
    const [dccHeader] = values(dccBook.getWorksheet('Items')!);
    expect(dccHeader.slice(19)).toEqual(['Kind', 'State', 'Verified', 'Published', 'Published Version', 'Provider']);
  });

  it('lets SECAS download the public edition only, and nobody else any release', async () => {
    const refused = await getJson('/releases/1/download?edition=dcc&format=csv', tokens.secas);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN_EDITION' });
    expect((await getJson('/releases/1/diff?edition=dcc', tokens.secas)).status).toBe(403);
    for (const partyType of ['supplier', 'manufacturer', 'csp', 'network', 'dsp'] as const) {
      for (const path of ['/releases', '/releases/1', '/releases/1/download?edition=public&format=csv', '/releases/1/diff']) {
        expect([partyType, path, (await fetchRaw(path, tokens[partyType])).status]).toEqual([partyType, path, 403]);
      }
    }
    const seen = (await getJson('/releases/1', tokens.secas)).body;
    expect(Object.keys(seen.editions as Json)).toEqual(['public']);
    expect(seen).not.toHaveProperty('catalogue');
    expect(seen).not.toHaveProperty('cutBy');
  });

  it('refuses what it cannot read, naming the field', async () => {
    const noFormat = await getJson('/releases/1/download?edition=public', tokens.dcc);
    expect(noFormat.status).toBe(400);
    expect(JSON.stringify(noFormat.body)).toContain('format');
    expect((await getJson('/releases/1/download?edition=all&format=csv', tokens.dcc)).status).toBe(400);
    expect((await getJson('/releases/1/download?edition=public&format=pdf', tokens.dcc)).status).toBe(400);
    const badNumber = await getJson('/releases/one', tokens.dcc);
    expect(badNumber.status).toBe(400);
    expect(JSON.stringify(badNumber.body)).toContain('number');
    expect((await getJson('/releases/9', tokens.dcc)).status).toBe(404);
    expect((await getJson('/releases/9/download?edition=public&format=json', tokens.secas)).status).toBe(404);
    const badFrom = await getJson('/releases/1/diff?from=9', tokens.dcc);
    expect(badFrom.status).toBe(404);
    expect(badFrom.body).toMatchObject({ code: 'RELEASE_NOT_FOUND', details: { field: 'from' } });
    expect((await getJson('/releases/1/diff?from=0', tokens.dcc)).status).toBe(400);
  });

  it('cuts release 2 from release 1: a revised item updated, a withdrawn one removed, a new one added', async () => {
    const revised = publishedItem(A, northwind, contentA2);
    await verification.send(caseStream(A), [
      revisionReceived(A, contentA2, [{ field: 'fixInformation', from: contentA.fixInformation, to: contentA2.fixInformation }], 'verified'),
      caseClaimed(A),
      caseVerified(A, northwind),
      itemVerified(A, 3, revised),
      itemPublishable(A, 4, revised),
    ]);
    await verification.send(caseStream(B), [itemWithdrawn(B, 3, publishedItem(B, acme, contentB), 'The fix was recalled')]);
    await publish(D, contentD, northwind);
    await settled();

    expect((await cut('2026-Q3')).body).toMatchObject({ code: 'RELEASE_LABEL_EXISTS' });
    expect((await cut('2026-Q2')).body).toMatchObject({ code: 'RELEASE_ORDER_CONFLICT' });
    const answer = await cut('2026-Q4');
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      number: 2,
      label: '2026-Q4',
      previousRelease: 1,
      editions: {
        public: { items: 2, changes: { new: 1, updated: 1, original: 0, removed: 1 } },
        dcc: { items: 5, changes: { new: 1, updated: 2, original: 2, removed: 0 }, byState: { queued: 1, verified: 3, withdrawn: 1 } },
      },
      // Q4's only request (Northwind's, due 20 October) is open.
      nonSuppliers: [{ providerPartyId: 'MFR-NORTHWIND', requests: [{ requestId: 'DR-000004', status: 'open' }] }],
      submissions: [],
    });
    expect((await cut('2026-Q4')).status).toBe(409);

    const marks = ((await getJson('/releases/2/download?edition=dcc&format=json', tokens.dcc)).body as unknown as Json[]).map((i): [unknown, unknown] => [i.id, i.change]);
    expect(new Map(marks)).toEqual(new Map([[A, 'updated'], [B, 'updated'], [C, 'original'], [D, 'new'], [E, 'original']]));
    const csv = csvRows((await fetchRaw('/releases/2/download?edition=public&format=csv', tokens.secas)).bytes);
    expect(csv.slice(1).map((row) => [row[0], row[9]])).toEqual([
      ['42', 'Upgrade to 38040406'],
      ['43', "'-1 day rollback, then 38041235"],
    ]);
  });

  it('diffs release 2 against release 1: added, changed with old → new, removed', async () => {
    const { status, body } = await getJson('/releases/2/diff?from=1', tokens.secas);
    expect(status).toBe(200);
    expect(body).toMatchObject({ from: 1, to: 2, edition: 'public' });
    expect((body.added as Json[]).map((i) => i.id)).toEqual([D]);
    expect(body.changed).toEqual([
      {
        id: A,
        item: expect.objectContaining({ id: A, version: 4, fixInformation: 'Upgrade to 38040406' }),
        changes: [
          { field: 'dateLastUpdated', from: '2026-02-27', to: '2026-10-01' },
          { field: 'fixInformation', from: 'Upgrade to 38040405', to: 'Upgrade to 38040406' },
        ],
      },
    ]);
    expect((body.removed as Json[]).map((i) => i.id)).toEqual([B]);
    expect((body.removed as Json[])[0]).toMatchObject({ fixInformation: HYPERLINK, version: 2 });
    // By default from the release before; and backwards, the other way round.
    expect((await getJson('/releases/2/diff', tokens.secas)).body).toEqual(body);
    const back = (await getJson('/releases/1/diff?from=2', tokens.dcc)).body;
    expect([(back.added as Json[]).map((i) => i.id), (back.removed as Json[]).map((i) => i.id)]).toEqual([[B], [D]]);
    // The first release against nothing: everything added.
    const first = (await getJson('/releases/1/diff', tokens.secas)).body;
    expect([first.from, (first.added as Json[]).map((i) => i.id), first.changed, first.removed]).toEqual([null, [B, A], [], []]);
    // DCC's edition: the withdrawal is a change of state there.
    const dcc = (await getJson('/releases/2/diff?edition=dcc', tokens.dcc)).body;
    const withdrawn = (dcc.changed as Array<{ id: string; changes: Json[] }>).find((c) => c.id === B)!;
    expect(withdrawn.changes).toEqual(expect.arrayContaining([{ field: 'state', from: 'verified', to: 'withdrawn' }, { field: 'published', from: true, to: false }]));
  });

  it('keeps release 1 as it was cut: the same bytes after the catalogue moved on, and its rows cannot be changed', async () => {
    expect((await fetchRaw('/releases/1/download?edition=public&format=csv', tokens.secas)).bytes.equals(release1PublicCsv)).toBe(true);
    expect((await getJson('/releases/1', tokens.dcc)).body).toEqual(release1);
    await expect(db.query(`UPDATE release_items SET fix_information = 'tampered' WHERE release_number = 1`)).rejects.toThrow(/immutable/);
    await expect(db.query(`DELETE FROM releases WHERE number = 1`)).rejects.toThrow(/immutable/);
  });

  it('lists the releases and the quarter that was late, now released', async () => {
    const { body } = await getJson('/releases', tokens.secas);
    expect((body.releases as Json[]).map((r) => [r.number, r.label, Object.keys(r.editions as Json)])).toEqual([
      [1, '2026-Q3', ['public']],
      [2, '2026-Q4', ['public']],
    ]);
    expect(body.due).toEqual([{ label: '2026-Q3', dueBy: '2026-10-14', detectedAt: '2026-10-14T23:00:00.000Z', releasedAs: 1 }]);
  });

  it('publishes ReleaseDue and ReleaseCut on publication.events, and none of the copies of intake\'s or verification\'s events', async () => {
    expect(await publicationEvents(publication, tokens.dcc, 3)).toEqual([
      { type: 'ReleaseDue', key: 'releases' },
      { type: 'ReleaseCut', key: 'releases' },
      { type: 'ReleaseCut', key: 'releases' },
    ]);
  });

  it('never showed SECAS anything of an unpublished item, in any format, count or diff', () => {
    expect(secasBodies.length).toBeGreaterThan(8);
    for (const body of secasBodies) for (const secret of UNPUBLISHED) expect(body).not.toContain(secret);
  });
});
