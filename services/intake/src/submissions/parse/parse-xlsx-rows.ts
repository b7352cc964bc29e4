import { Readable } from 'node:stream';
import * as ExcelJS from 'exceljs';
import { SubmissionFileError } from '../submission-errors';
import { ColumnLayout, SubmissionRow, buildRow, isBlank, resolveHeader } from './submission-row';
import { DEFAULT_MAX_FIELD_LENGTH, ParseOptions } from './parse-submission-rows';
import { UnpackedSizeGuard } from './unpacked-size-guard';

function isoDate(date: Date): string {
  // Spreadsheet dates have no zone; exceljs hands them over as UTC midnight of the day shown.
  return date.toISOString().slice(0, 10);
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : isoDate(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'object' && 'error' in value) return String(value.error);
  return '';
}

/** The text a cell shows, whatever kind of value exceljs gives for it. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined || typeof value !== 'object' || value instanceof Date) {
    return scalarText(value);
  }
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('hyperlink' in value) return value.text;
  if ('formula' in value || 'sharedFormula' in value) return scalarText(value.result);
  return scalarText(value);
}

function rowValues(row: ExcelJS.Row): string[] {
  // row.values is 1-based and sparse: index 0 is always empty and missing cells are holes.
  const raw = row.values as ExcelJS.CellValue[];
  const values: string[] = [];
  for (let index = 1; index < raw.length; index += 1) values.push(cellText(raw[index]));
  return values;
}

export type XlsxSource = Uint8Array | Readable | AsyncIterable<Uint8Array>;

/**
 * Reads submission rows from the first worksheet of an .xlsx workbook with exceljs's streaming reader,
 * yielding the same rows as {@link parseSubmissionRows}. Row numbers are the sheet's own row numbers
 * (the header is expected on row 1); empty rows are ignored. Dates become yyyy-mm-dd, numbers their
 * plain decimal text, formulas their cached result.
 */
export async function* parseXlsxRows(
  source: XlsxSource,
  options: ParseOptions = {},
): AsyncGenerator<SubmissionRow, void, undefined> {
  const maxFieldLength = options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;
  // exceljs pipes its input without listening for errors, so a failing upload would leave it waiting
  // forever. The failure is kept aside, the input simply ends, and the failure is rethrown afterwards.
  // So is a workbook refused for what it unpacks to: each chunk is inspected before exceljs gets it.
  let sourceFailed = false;
  let sourceError: unknown;
  const unpacked = new UnpackedSizeGuard();
  async function* guarded(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of source instanceof Uint8Array ? [source] : source) {
        await unpacked.inspect(chunk);
        yield chunk;
      }
    } catch (error) {
      sourceFailed = true;
      sourceError = error;
    } finally {
      unpacked.close();
    }
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(guarded()), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles tell dates from numbers.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });

  let sawWorksheet = false;
  let layout: ColumnLayout | undefined;
  let dataRows = 0;
  try {
    for await (const worksheet of reader) {
      sawWorksheet = true;
      for await (const row of worksheet) {
        const values = rowValues(row);
        const tooLong = values.findIndex((value) => value.length > maxFieldLength);
        if (tooLong >= 0) {
          throw new SubmissionFileError(
            'FIELD_TOO_LONG',
            `Row ${row.number}: cell ${tooLong + 1} is ${values[tooLong].length} characters, ` +
              `more than the ${maxFieldLength} allowed`,
            { row: row.number },
          );
        }
        if (isBlank(values)) continue;
        if (layout === undefined) {
          layout = resolveHeader(values, row.number);
          continue;
        }
        dataRows += 1;
        yield buildRow(values, row.number, layout, { requireAllCells: false });
      }
      break;
    }
  } catch (error) {
    if (sourceFailed) throw sourceError;
    if (error instanceof SubmissionFileError) throw error;
    // exceljs's own words (an unzipper's "invalid signature: 0x…", an XML parser's) mean nothing to a provider.
    throw new SubmissionFileError('NOT_XLSX', 'The file is not an .xlsx workbook, or it is damaged: it cannot be read as one');
  }
  if (sourceFailed) throw sourceError;
  if (!sawWorksheet) throw new SubmissionFileError('NOT_XLSX', 'The file is not an .xlsx workbook: no worksheet');
  if (layout === undefined) throw new SubmissionFileError('EMPTY_FILE', 'The first worksheet is empty: no header row');
  if (dataRows === 0) throw new SubmissionFileError('NO_ROWS', 'The first worksheet has a header row but no data rows');
}
