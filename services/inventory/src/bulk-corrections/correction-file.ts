import { CsvError, parse } from 'csv-parse';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ESME_VARIANTS, EsmeVariant, isEsmeVariant, parseDeviceId } from '../device-aggregate';

/*
 * The bulk correction file: `Device ID,ESME Variant` with a header row, as suppliers export it from a
 * spreadsheet (UTF-8 byte order mark, CRLF line ends, quoted cells, blank trailing rows all tolerated).
 *
 * The same reader runs twice over the same bytes: once while the upload streams in (to refuse a file that is
 * not a correction file before anything is recorded, and to count its rows), and again in the background job
 * (which re-reads the stored file instead of keeping a copy of every row). Row numbers are therefore a pure
 * function of the bytes, which is what makes the RequestIDs derived from them repeatable.
 */

export const CORRECTION_FILE_HEADER = ['Device ID', 'ESME Variant'] as const;

/** Longest record the reader buffers; a "file" without line breaks must not grow memory without bound. */
const MAX_RECORD_BYTES = 16 * 1024;
/** What is kept of a cell on a malformed row: enough to recognise it, not a place to store documents. */
const MAX_RAW_CELL = 100;

/** A problem with the file as a whole: answered 400 at upload, nothing recorded. */
export class CorrectionFileProblem extends Error {
  override readonly name = 'CorrectionFileProblem';

  constructor(
    readonly code: 'NOT_CSV' | 'FIELD_TOO_LONG' | 'MISSING_HEADER' | 'WRONG_HEADER' | 'NO_ROWS',
    message: string,
  ) {
    super(message);
  }
}

export type CorrectionRow =
  | { row: number; ok: true; deviceId: string; esmeVariant: EsmeVariant; rawDeviceId: string; rawVariant: string }
  | { row: number; ok: false; problem: string; rawDeviceId: string; rawVariant: string };

const HEADER_WORDS = CORRECTION_FILE_HEADER.map(headerKey);

function headerKey(cell: string): string {
  return cell.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The rows of a correction file, numbered from 1 (the first row after the header), each either a readable
 * correction or the reason it is not (the row is then answered MALFORMED; the file goes on). Throws
 * CorrectionFileProblem for a file that is not CSV, has no header or the wrong one.
 */
export async function* readCorrectionRows(bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<CorrectionRow> {
  const parser = parse({
    bom: true,
    trim: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // A spreadsheet's blank trailing rows arrive as ",,"; they are not corrections.
    skip_records_with_empty_values: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  const source = Readable.from(bytes, { objectMode: false });
  // A failing source (upload too large, client gone) must end the parser with the same error.
  source.once('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let header = false;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        checkHeader(record);
        header = true;
        continue;
      }
      yield readRow(++row, record);
    }
  } catch (error) {
    if (error instanceof CsvError) throw csvProblem(error);
    throw error;
  } finally {
    source.unpipe(parser);
    source.destroy();
    parser.destroy();
  }
  if (!header) throw new CorrectionFileProblem('MISSING_HEADER', `the file is empty: its first row must be the header ${CORRECTION_FILE_HEADER.join(',')}`);
}

/** csv-parse's failure in the file's terms: its own messages name its options and internals, not the file. */
function csvProblem(error: CsvError): CorrectionFileProblem {
  const line = (error as CsvError & { lines?: number }).lines;
  const where = line === undefined ? 'the file' : `line ${line}`;
  switch (error.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return new CorrectionFileProblem(
        'FIELD_TOO_LONG',
        `${where} runs past ${MAX_RECORD_BYTES / 1024} KiB without ending: a correction row is a Device ID and a variant; an unclosed quote is the usual cause`,
      );
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CorrectionFileProblem('NOT_CSV', `the file cannot be read as CSV: a quoted cell opened at or before ${where} is never closed`);
    case 'INVALID_OPENING_QUOTE': // csv-parse 5 names this one without the CSV_ prefix of the others
      return new CorrectionFileProblem('NOT_CSV', `the file cannot be read as CSV: ${where} has a quote inside a cell that is not quoted`);
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new CorrectionFileProblem('NOT_CSV', `the file cannot be read as CSV: ${where} has text after a quoted cell's closing quote`);
    default:
      return new CorrectionFileProblem('NOT_CSV', `the file cannot be read as CSV at ${where}`);
  }
}

function checkHeader(record: string[]): void {
  const words = record.map(headerKey);
  if (words.length === HEADER_WORDS.length && words.every((word, i) => word === HEADER_WORDS[i])) return;
  const looksLikeData = record.length > 0 && parseDeviceId(record[0].trim()) !== undefined;
  if (looksLikeData) {
    throw new CorrectionFileProblem('MISSING_HEADER', `the first row is a correction, not the header: start the file with ${CORRECTION_FILE_HEADER.join(',')}`);
  }
  const shown = record.map((cell) => cell.slice(0, 40)).join(',').slice(0, 120);
  throw new CorrectionFileProblem('WRONG_HEADER', `the header must be ${CORRECTION_FILE_HEADER.join(',')} (got "${shown}")`);
}

function readRow(row: number, record: string[]): CorrectionRow {
  const rawDeviceId = (record[0] ?? '').slice(0, MAX_RAW_CELL);
  const rawVariant = (record[1] ?? '').slice(0, MAX_RAW_CELL);
  if (record.length !== 2) {
    return { row, ok: false, problem: `expected 2 columns (${CORRECTION_FILE_HEADER.join(', ')}), got ${record.length}`, rawDeviceId, rawVariant };
  }
  const deviceId = parseDeviceId(record[0]);
  if (deviceId === undefined) {
    return { row, ok: false, problem: 'Device ID must be an EUI-64: 16 hex digits, optionally as 8 pairs joined by "-"', rawDeviceId, rawVariant };
  }
  const variant = record[1];
  // Matched exactly, as in SR8.4: `Ad` for `AD` is more likely a slip worth reporting than a spelling to repair.
  if (!isEsmeVariant(variant)) return { row, ok: false, problem: `ESME Variant must be one of ${ESME_VARIANTS.join(', ')}`, rawDeviceId, rawVariant };
  return { row, ok: true, deviceId, esmeVariant: variant, rawDeviceId, rawVariant };
}

/**
 * The lane of a row: every row of one device in the same lane, whatever notation the file used for it (a
 * malformed row, which names no device, goes by its row number). FNV-1a: cheap, stable, well spread.
 */
export function laneOf(row: CorrectionRow, lanes: number): number {
  if (lanes <= 1) return 0;
  const key = row.ok ? row.deviceId : `#${row.row}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
}

// ---------------------------------------------------------------------------------------------------
// RequestIDs
// ---------------------------------------------------------------------------------------------------

const HIGH_BIT = 1n << 63n;
const LOW_63_BITS = HIGH_BIT - 1n;

/**
 * The DUIS counter of a file's row: 64 bits of SHA-256(file hash, row number), with the top bit set. The same
 * bytes uploaded again give the same RequestIDs, so every row is answered from its record and nothing changes
 * twice; another file (or another row) gives another counter. The top bit keeps these counters apart from the
 * small sequential ones a supplier's own systems use.
 */
export function rowCounter(fileHash: string, row: number): string {
  const digest = createHash('sha256').update(`${fileHash}:${row}`).digest();
  return (HIGH_BIT | (digest.readBigUInt64BE(0) & LOW_63_BITS)).toString();
}

export function rowRequestId(senderUserId: string, deviceId: string, fileHash: string, row: number): string {
  return `${senderUserId}:${deviceId}:${rowCounter(fileHash, row)}`;
}

// ---------------------------------------------------------------------------------------------------
// The results file
// ---------------------------------------------------------------------------------------------------

export const RESULTS_HEADER = ['Row', 'Device ID', 'ESME Variant', 'Response Code', 'Message'] as const;

/**
 * A cell a spreadsheet must show as text: one starting with `=`, `+`, `-`, `@`, tab or CR would be read as a
 * formula (CSV injection), so it gets a leading apostrophe, which spreadsheets hide and treat as "text".
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function quoteCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CRLF-terminated line of the results file; every text cell neutralised, then quoted as CSV needs. */
export function resultsLine(cells: ReadonlyArray<string | number>): string {
  return `${cells.map((cell) => (typeof cell === 'number' ? String(cell) : quoteCell(neutraliseCell(cell)))).join(',')}\r\n`;
}
