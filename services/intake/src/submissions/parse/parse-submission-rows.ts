import { CsvError, parse } from 'csv-parse';
import { SUBMISSION_COLUMNS, SubmissionColumn } from '@smi/contracts';
import { SubmissionFileError } from '../submission-errors';
import { ColumnLayout, SubmissionRow, buildRow, isBlank, resolveHeader } from './submission-row';

export interface ParseOptions {
  /**
   * Longest cell accepted, in characters. Longer cells fail the whole file with FIELD_TOO_LONG: no column
   * legitimately comes near it, and the usual cause is an unclosed quote swallowing the rest of the file,
   * which this limit also stops from being buffered without bound.
   */
  readonly maxFieldLength?: number;
}

export const DEFAULT_MAX_FIELD_LENGTH = 10_000;

const LINE_BREAK = /\r\n|\r|\n/g;

function lineBreaks(values: readonly string[]): number {
  let count = 0;
  for (const value of values) count += value.match(LINE_BREAK)?.length ?? 0;
  return count;
}

function columnAt(layout: ColumnLayout | undefined, position: number): SubmissionColumn | undefined {
  if (layout === undefined) return undefined;
  return SUBMISSION_COLUMNS.find((column) => layout.positions[column] === position);
}

/**
 * Reads submission rows from CSV text, streaming: only the current record is held. Rows are yielded as
 * they are read; a file-level problem found later (MALFORMED_CSV, FIELD_TOO_LONG, NO_ROWS) is thrown after
 * them, and the caller must then discard the file as a whole.
 *
 * Row numbers count records, not physical lines, with the header as row 1, so they match the row a
 * spreadsheet shows even when a quoted cell spans several lines. Blank records (every cell empty, e.g.
 * `,,,,,,,,,` or an empty line) still take a row number but are otherwise ignored.
 */
export async function* parseSubmissionRows(
  text: string | Iterable<string> | AsyncIterable<string>,
  options: ParseOptions = {},
): AsyncGenerator<SubmissionRow, void, undefined> {
  const maxFieldLength = options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;
  const records: string[][] = [];
  const parser = parse({
    bom: true,
    // Mixed line ends happen when a file has been edited in more than one tool.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    // Strict quoting: spreadsheets always quote a cell holding a quote, so a stray quote means the file
    // was edited by hand and where cells start is a guess; better to say so than to guess.
    relax_quotes: false,
    // Counted in bytes by csv-parse; four bytes per character bounds any record of allowed cells.
    max_record_size: maxFieldLength * 4 * (SUBMISSION_COLUMNS.length + 1),
    on_record: (record: string[]) => {
      records.push(record);
      return null;
    },
  });
  // Errors are taken from write/end callbacks; this listener only stops them counting as unhandled.
  parser.on('error', () => undefined);
  const write = (chunk: string): Promise<void> =>
    new Promise((resolve, reject) => parser.write(chunk, (error) => (error ? reject(error) : resolve())));
  const end = (): Promise<void> =>
    new Promise((resolve, reject) => {
      parser.once('error', reject);
      parser.end(() => resolve());
    });

  let recordNumber = 0;
  let line = 1;
  let layout: ColumnLayout | undefined;
  let dataRows = 0;

  function* drain(): Generator<SubmissionRow> {
    while (records.length > 0) {
      const values = records.shift() as string[];
      recordNumber += 1;
      const startLine = line;
      line += 1 + lineBreaks(values);
      const tooLong = values.findIndex((value) => value.length > maxFieldLength);
      if (tooLong >= 0) {
        const column = columnAt(layout, tooLong);
        throw new SubmissionFileError(
          'FIELD_TOO_LONG',
          `Row ${recordNumber} (line ${startLine}): ${column === undefined ? `cell ${tooLong + 1}` : `"${column}"`} ` +
            `is ${values[tooLong].length} characters, more than the ${maxFieldLength} allowed`,
          { row: recordNumber, line: startLine, column },
        );
      }
      if (isBlank(values)) continue;
      if (layout === undefined) {
        layout = resolveHeader(values, recordNumber);
        continue;
      }
      dataRows += 1;
      yield buildRow(values, recordNumber, layout, { requireAllCells: true });
    }
  }

  try {
    const chunks = typeof text === 'string' ? [text] : text;
    for await (const chunk of chunks) {
      await write(chunk);
      yield* drain();
    }
    await end();
    yield* drain();
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // Rows read before the failure still go out, so the failure carries the right row and line.
    yield* drain();
    throw csvFailure(error, recordNumber + 1, line, maxFieldLength);
  } finally {
    parser.destroy();
  }

  if (layout === undefined) throw new SubmissionFileError('EMPTY_FILE', 'The file is empty: no header row');
  if (dataRows === 0) throw new SubmissionFileError('NO_ROWS', 'The file has a header row but no data rows');
}

function csvFailure(error: CsvError, row: number, line: number, maxFieldLength: number): SubmissionFileError {
  const where = { row, line };
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new SubmissionFileError(
        'MALFORMED_CSV',
        `Row ${row} (line ${line}): a quoted cell is opened but never closed before the end of the file`,
        where,
      );
    case 'CSV_MAX_RECORD_SIZE':
      return new SubmissionFileError(
        'FIELD_TOO_LONG',
        `Row ${row} (line ${line}): a cell runs past ${maxFieldLength} characters; ` +
          'an unclosed quote is the usual cause',
        where,
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new SubmissionFileError(
        'MALFORMED_CSV',
        `Row ${row} (line ${line}): a quoted cell has text after its closing quote; a quote inside a quoted cell is written twice ("")`,
        where,
      );
    case 'INVALID_OPENING_QUOTE': // csv-parse 5 names this one without the CSV_ prefix of the others
      return new SubmissionFileError(
        'MALFORMED_CSV',
        `Row ${row} (line ${line}): a cell has a quote inside it without being quoted; quote the whole cell and write the quote twice ("")`,
        where,
      );
    default:
      // csv-parse's own message names its internals, not the file: the row and line are what a provider can use.
      return new SubmissionFileError('MALFORMED_CSV', `Row ${row} (line ${line}): the row cannot be read as CSV`, where);
  }
}
