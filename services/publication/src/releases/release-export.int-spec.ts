import { CanonicalDevice, SUBMISSION_COLUMNS } from '@smi/contracts';
import { waitFor } from '@smi/testing';
import { parse } from 'csv-parse/sync';
import * as ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AdjustableClock } from '../test-support/adjustable-clock';
import { PublicationTestApp, startPublicationTestApp } from '../test-support/publication-test-app';
import { caseStream, itemCaseOpened, itemContent, itemPublishable, publishedItem, VerificationTopic } from '../test-support/verification-events';
import { Edition, ReleaseItemRow } from './release-rows';
import { ReleaseRowsSource, RowKey } from './release-rows.source';

/**
 * A release of many rows downloaded in every format: the rows come from the database a page at a time (here 50,
 * PUBLICATION_EXPORT_PAGE_ROWS), never all at once, and every row arrives once, in the neutral order.
 */

const ITEMS = 620;
const PAGE = 50;
const NW = randomUUID();
const NW_E470 = randomUUID();
const northwind: CanonicalDevice = { makeId: NW, make: 'Northwind Metering', manufacturerId: '1A2B', modelId: NW_E470, model: 'NW-E470', smiModelId: '0000E470' };

describe('release downloads stream a page of rows at a time (real PostgreSQL and Kafka)', () => {
  let publication: PublicationTestApp;
  let verification: VerificationTopic;
  let rowsSource: ReleaseRowsSource;
  let dcc: string;
  /** Every page the downloads read, by edition: how many rows it held. */
  const pages: Array<{ edition: Edition; rows: number }> = [];

  beforeAll(async () => {
    publication = await startPublicationTestApp('release-export', {
      clock: new AdjustableClock('2026-10-05T09:00:00.000Z'),
      env: { PUBLICATION_EXPORT_PAGE_ROWS: String(PAGE), PUBLICATION_RELEASE_DUE_CHECK_INTERVAL_MS: '86400000' },
    });
    verification = new VerificationTopic(publication.topicPrefix);
    dcc = await publication.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    for (let n = 1; n <= ITEMS; n++) {
      const caseId = randomUUID();
      // Every fourth item has a fix information that a spreadsheet would run.
      const content = itemContent({ identifier: String(n), firmwareVersion: `3804${String(n % 7).padStart(4, '0')}`, fixInformation: n % 4 === 0 ? `=1+${n}` : `Upgrade ${n}` });
      await verification.send(caseStream(caseId), [itemCaseOpened(caseId, content), itemPublishable(caseId, 1, publishedItem(caseId, northwind, content))]);
    }
    const db = publication.app.get(DataSource);
    await waitFor(
      async () => {
        const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM published_items`);
        const status = (await publication.call('GET', '/ops/projections', dcc)).body as Array<{ lag: number }>;
        return count === ITEMS && status.every((s) => s.lag === 0);
      },
      60_000,
      'every item published',
    );
    expect((await publication.call('POST', '/releases', dcc, { label: '2026-Q3' })).status).toBe(201);

    // Counts the pages read, without changing what they return.
    rowsSource = publication.app.get(ReleaseRowsSource);
    const page = rowsSource.page.bind(rowsSource);
    jest.spyOn(rowsSource, 'page').mockImplementation(async (number: number, edition: Edition, after: RowKey | null, limit: number): Promise<ReleaseItemRow[]> => {
      const rows = await page(number, edition, after, limit);
      pages.push({ edition, rows: rows.length });
      return rows;
    });
  }, 180_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await verification?.close();
    await publication?.stop();
  });

  beforeEach(() => {
    pages.length = 0;
  });

  const download = async (edition: Edition, format: string): Promise<Buffer> => {
    const response = await fetch(`${publication.url}/releases/1/download?edition=${edition}&format=${format}`, { headers: { authorization: `Bearer ${dcc}` } });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };

  /** Read page by page: as many pages as the rows need, none of more than PAGE rows. */
  function expectPaged(edition: Edition): void {
    expect(pages.every((p) => p.edition === edition && p.rows <= PAGE)).toBe(true);
    expect(pages.length).toBe(Math.floor(ITEMS / PAGE) + 1);
    expect(pages.reduce((sum, p) => sum + p.rows, 0)).toBe(ITEMS);
  }

  it('CSV: every row once, in the neutral order, read a page at a time', async () => {
    const [header, ...rows] = parse((await download('public', 'csv')).toString('utf8'), { bom: true }) as string[][];
    expect(header).toEqual([...SUBMISSION_COLUMNS]);
    expect(rows).toHaveLength(ITEMS);
    expect(new Set(rows.map((row) => row[0])).size).toBe(ITEMS);
    // Make and model are the same: firmware version, then Identifier as a number.
    const keys = rows.map((row) => [row[3], Number(row[0])] as const);
    expect(keys).toEqual([...keys].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]));
    expect(rows.filter((row) => row[9].startsWith("'=1+"))).toHaveLength(ITEMS / 4);
    expectPaged('public');
  });

  it('JSON: one array of every row, read a page at a time', async () => {
    const items = JSON.parse((await download('dcc', 'json')).toString('utf8')) as Array<{ id: string; published: boolean }>;
    expect(items).toHaveLength(ITEMS);
    expect(items.every((item) => item.published)).toBe(true);
    expectPaged('dcc');
  });

  it('diffs the release against nothing in pages too: every row added once, in the neutral order', async () => {
    const response = await fetch(`${publication.url}/releases/1/diff`, { headers: { authorization: `Bearer ${dcc}` } });
    const diff = (await response.json()) as { added: Array<{ id: string; identifier: string; firmwareVersion: string }>; changed: unknown[]; removed: unknown[] };
    expect(diff.added).toHaveLength(ITEMS);
    expect(new Set(diff.added.map((item) => item.id)).size).toBe(ITEMS);
    const keys = diff.added.map((item) => [item.firmwareVersion, Number(item.identifier)] as const);
    expect(keys).toEqual([...keys].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]));
  });

  it('XLSX: the cover sheet and every row, read a page at a time', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download('public', 'xlsx')) as unknown as ArrayBuffer);
    const items = workbook.getWorksheet('Items')!;
    expect(items.rowCount).toBe(ITEMS + 1);
    expect(workbook.getWorksheet('Cover')!.getRow(3).values).toEqual([undefined, 'Version', 1]);
    expectPaged('public');
  });
});
