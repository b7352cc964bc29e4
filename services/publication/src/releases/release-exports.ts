import { Injectable, Logger } from '@nestjs/common';
import { SUBMISSION_COLUMNS } from '@smi/contracts';
import * as ExcelJS from 'exceljs';
import { londonDate } from '@smi/working-days';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { csvLine, neutraliseCell } from '../spreadsheet-safety';
import { csvCells, Edition, Format, jsonItem, xlsxCells, xlsxHeader } from './release-rows';
import { ReleaseRowsSource } from './release-rows.source';
import { ReleaseRecord } from './releases.queries';

export interface ReleaseFile {
  contentType: string;
  fileName: string;
  body: Readable;
}

const CONTENT_TYPES: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

/**
 * How much of the Items sheet may wait inside exceljs for the zip to take it. exceljs's streaming writer hands each
 * sheet's XML to the zip through a buffer that takes every write whatever its size (it ignores backpressure), so
 * when the client reads slowly the rows would pile up there; the writer waits below this after every page.
 */
const SHEET_BACKLOG_BYTES = 1 << 20;

/**
 * A release's downloads, streamed: rows come a page at a time from the database (ReleaseRowsSource) and go to the
 * client as they are written, and the next page is read only once the client has taken the last. Neither the
 * release nor the file is ever held whole.
 *
 * - CSV: the submission file's ten columns (SUBMISSION_COLUMNS), UTF-8 with a byte-order mark so spreadsheets read
 *   it as UTF-8; cells a spreadsheet would read as a formula are neutralised (cells.ts).
 * - XLSX: a Cover sheet (release, period, counts, the providers that did not supply data) then Items: the ten
 *   columns, then what the row is and how it compares with the previous release; neutralised like the CSV.
 * - JSON: an array of items; free text as provided.
 */
@Injectable()
export class ReleaseExports {
  private readonly logger = new Logger(ReleaseExports.name);

  constructor(private readonly rows: ReleaseRowsSource) {}

  file(release: ReleaseRecord, edition: Edition, format: Format): ReleaseFile {
    const fileName = `defects-release-${release.number}-${release.label}-${edition}.${format}`;
    const body = format === 'csv' ? Readable.from(this.csv(release, edition)) : format === 'json' ? Readable.from(this.json(release, edition)) : this.xlsx(release, edition);
    return { contentType: CONTENT_TYPES[format], fileName, body };
  }

  async *csv(release: ReleaseRecord, edition: Edition): AsyncGenerator<string> {
    yield `\ufeff${csvLine([...SUBMISSION_COLUMNS])}`;
    // One string per page: a few hundred KB handed to the socket at once rather than thousands of tiny writes.
    for await (const page of this.rows.pages(release.number, edition)) yield page.map((row) => csvLine(csvCells(row))).join('');
  }

  async *json(release: ReleaseRecord, edition: Edition): AsyncGenerator<string> {
    yield '[';
    let first = true;
    for await (const page of this.rows.pages(release.number, edition)) {
      yield (first ? '' : ',') + page.map((row) => JSON.stringify(jsonItem(edition, row))).join(',');
      first = false;
    }
    yield ']';
  }

  xlsx(release: ReleaseRecord, edition: Edition): Readable {
    const output = new PassThrough();
    // Aborted when the client goes away: the writer stops reading pages instead of waiting for a drain that never comes.
    const gone = new AbortController();
    output.once('close', () => gone.abort());
    this.writeXlsx(release, edition, output, gone.signal).catch((error: Error) => {
      if (gone.signal.aborted) return;
      this.logger.error({ msg: 'release XLSX failed while streaming', release: release.number, edition, error: error.message });
      output.destroy(error);
    });
    return output;
  }

  private async writeXlsx(release: ReleaseRecord, edition: Edition, output: PassThrough, signal: AbortSignal): Promise<void> {
    // No shared strings and no styles: both are tables exceljs keeps in memory until the end of the file.
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false, useStyles: false });
    const cover = workbook.addWorksheet('Cover');
    for (const row of coverRows(release, edition)) cover.addRow(row.map(coverCell)).commit();
    cover.commit();
    const items = workbook.addWorksheet('Items');
    items.addRow(xlsxHeader(edition)).commit();
    for await (const page of this.rows.pages(release.number, edition)) {
      signal.throwIfAborted();
      for (const row of page) items.addRow(xlsxCells(edition, row).map(itemCell)).commit();
      await caughtUp(items, output, signal);
    }
    items.commit();
    await workbook.commit();
  }
}

/** Waits until the sheet's XML has gone into the zip and the zip's output to the client (see SHEET_BACKLOG_BYTES). */
async function caughtUp(sheet: ExcelJS.Worksheet, output: PassThrough, signal: AbortSignal): Promise<void> {
  const backlog = sheetBacklog(sheet);
  while (backlog && backlog._writableState.length > SHEET_BACKLOG_BYTES) await once(backlog, 'drain', { signal });
  while (output.writableNeedDrain) await once(output, 'drain', { signal });
}

interface Backlog extends NodeJS.EventEmitter {
  _writableState: { length: number };
}

/** The stream between exceljs's sheet buffer and the zip (exceljs 4 internals); none if they change, and only `output` is waited on. */
function sheetBacklog(sheet: ExcelJS.Worksheet): Backlog | undefined {
  const pipe = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as Partial<Backlog> | undefined;
  return pipe && typeof pipe._writableState?.length === 'number' && typeof pipe.once === 'function' ? (pipe as Backlog) : undefined;
}

type CoverCell = string | number;

/** An empty cell is left out rather than written as an empty string. */
function itemCell(value: string): string | null {
  return value === '' ? null : neutraliseCell(value);
}

function coverCell(value: CoverCell): string | number | null {
  return typeof value === 'number' ? value : itemCell(value);
}

/**
 * The cover sheet SECAS receives with the quarter's file: which release, when, what it holds by status and against
 * the previous release, and who did not supply data. The public edition's counts are of published items only.
 */
export function coverRows(release: ReleaseRecord, edition: Edition): CoverCell[][] {
  const counts = release.editions[edition];
  const rows: CoverCell[][] = [
    ['Defects database release (SECMP0137)'],
    ['Label', release.label],
    ['Version', release.number],
    ['Period', `${release.period.from} to ${release.period.to}`],
    ['Cut date', londonDate(new Date(release.cutAt))],
    ['Cut at', release.cutAt],
    ['Edition', edition === 'public' ? 'Public: published items, each with a confirmed fix' : 'DCC: every item in every state, marked'],
    ['Previous release', release.previousRelease ?? 'none'],
    [],
    ['Items by status of information', 'Count'],
    ['Issue', counts.byStatusOfInformation.Issue],
    ['Defect', counts.byStatusOfInformation.Defect],
    ['Fix', counts.byStatusOfInformation.Fix],
    ['Total', counts.items],
    [],
    [release.previousRelease === null ? 'Against the previous release (none: every item is new)' : `Against release ${release.previousRelease}`, 'Count'],
    ['New', counts.changes.new],
    ['Updated', counts.changes.updated],
    ['Original (as in the previous release)', counts.changes.original],
    ['Removed', counts.changes.removed],
  ];
  if (edition === 'dcc') {
    const dcc = release.editions.dcc;
    rows.push([], ['Cases by state', 'Count'], ...Object.entries(dcc.byState).map(([state, count]): CoverCell[] => [state, count]));
    rows.push(['Published', dcc.published], ['Unverified', dcc.unverified]);
  }
  rows.push([], ['Manufacturers and CSPs that did not supply data for the period']);
  if (release.nonSuppliers.length === 0) rows.push(['None']);
  else {
    rows.push(['Party ID', 'Name', 'Party type', 'Data request', 'Agreed delivery date', 'Status', 'Overdue since']);
    for (const provider of release.nonSuppliers) {
      for (const request of provider.requests) {
        rows.push([provider.providerPartyId, provider.providerName ?? '', provider.providerPartyType, request.requestId, request.agreedDeliveryDate, request.status, request.overdueSince ?? '']);
      }
    }
  }
  rows.push([], ['Submissions received in the period']);
  if (release.submissions.length === 0) rows.push(['None']);
  else {
    rows.push(['Party ID', 'Name', 'Party type', 'Submissions', 'Rows']);
    for (const provider of release.submissions) rows.push([provider.providerPartyId, provider.providerName ?? '', provider.providerPartyType, provider.submissions, provider.rows]);
  }
  return rows;
}

