import { Readable } from 'node:stream';
import * as ExcelJS from 'exceljs';
import { SUBMISSION_COLUMNS } from '@smi/contracts';
import { xlsxArchive, xlsxBombs } from '@smi/testing';
import { decodeSubmission } from '../decode/decode-submission';
import { parseSubmissionRows } from './parse-submission-rows';
import { cellText, parseXlsxRows } from './parse-xlsx-rows';
import { SubmittedItem } from '../../item-content/submitted-item';
import { SubmissionOutcome, validateSubmission } from '../validate/validate-submission';
import { MANUFACTURER, collect, fileError, fixture } from '../test-support/submission-files';

async function workbook(build: (sheet: ExcelJS.Worksheet, book: ExcelJS.Workbook) => void): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  build(book.addWorksheet('Submission'), book);
  return Buffer.from(await book.xlsx.writeBuffer());
}

function items(outcomes: readonly SubmissionOutcome[]): SubmittedItem[] {
  return outcomes.map((outcome) => {
    if (outcome.kind !== 'valid') throw new Error(`row ${outcome.row} rejected: ${JSON.stringify(outcome.errors)}`);
    return outcome.item;
  });
}

function utcDate(iso: string): Date {
  return new Date(`${iso}T00:00:00.000Z`);
}

describe('parseXlsxRows', () => {
  it('reads the first sheet of a workbook to the same items as the equivalent CSV', async () => {
    const csvText = decodeSubmission(fixture('manufacturer-initial.csv')).text;
    const fromCsv = items(await collect(validateSubmission(parseSubmissionRows(csvText), MANUFACTURER)));

    // The same data typed the way a spreadsheet holds it: numbers, real dates, text.
    const bytes = await workbook((sheet, book) => {
      sheet.addRow([...SUBMISSION_COLUMNS]);
      for (const item of fromCsv) {
        sheet.addRow([
          Number(item.identifier),
          item.make,
          item.model,
          item.firmwareVersion,
          item.deviceType,
          item.source,
          item.statusOfInformation,
          utcDate(item.dateLastUpdated),
          item.fixAvailable ? 'Yes' : 'No',
          item.fixInformation ?? undefined,
        ]);
      }
      book.addWorksheet('Notes').addRow(['not part of the submission']);
    });
    const fromXlsx = items(await collect(validateSubmission(parseXlsxRows(bytes), MANUFACTURER)));

    expect(fromXlsx).toEqual(fromCsv);
    expect(fromXlsx).toHaveLength(6);
  });

  it('reads every entry of the workbook however the unzipping and the reading interleave', async () => {
    // Without patches/unzipper+0.10.14.patch, unzipper ends its stream of entries when its input has been
    // written, sometimes before the last entries (xl/workbook.xml among them) reach exceljs, and about one
    // parse in 150 failed with "Cannot read properties of undefined (reading 'sheets')". Many parses of one
    // workbook whose workbook.xml comes last in the zip make that failure all but certain to show here.
    const bytes = await workbook((sheet, book) => {
      sheet.addRow([...SUBMISSION_COLUMNS]);
      sheet.addRow(['Northwind Metering', 'NW-E1', '3804040A', 'ESME', 'Manufacturer', 'Defect', utcDate('2026-02-01'), 'No']);
      book.addWorksheet('Notes').addRow(['not part of the submission']);
    });
    const failures: string[] = [];
    for (let parse = 0; parse < 600; parse += 1) {
      try {
        const rows = await collect(parseXlsxRows(bytes));
        if (rows.length !== 1) failures.push(`parse ${parse}: ${rows.length} rows`);
      } catch (error) {
        failures.push(`parse ${parse}: ${String(error)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('numbers rows as the sheet does, skips empty rows, and accepts a stream as input', async () => {
    const bytes = await workbook((sheet) => {
      sheet.addRow([...SUBMISSION_COLUMNS]);
      const device = ['Northwind Metering', 'NW-E470', '0002012F', 'ESME', 'Device Manufacturer'];
      sheet.addRow([1, ...device, 'Issue', '14/03/2026', 'No']);
      sheet.addRow([]);
      sheet.getRow(5).values = [2, ...device, 'Fix', utcDate('2026-04-01'), 'y', 'see CPL'];
    });
    const rows = await collect(parseXlsxRows(Readable.from([bytes.subarray(0, 100), bytes.subarray(100)])));
    expect(rows.map((row) => [row.row, row.cells.Identifier, row.cells['Date last Updated'], row.errors])).toEqual([
      [2, '1', '14/03/2026', []],
      [5, '2', '2026-04-01', []],
    ]);
    expect(rows[0].cells['Fix Information']).toBe('');
  });

  it('rejects a value outside the header columns at row level', async () => {
    const bytes = await workbook((sheet) => {
      sheet.addRow([...SUBMISSION_COLUMNS]);
      sheet.addRow([1, 'M', 'X', '1', 'ESME', 'Device Manufacturer', 'Issue', '2026-01-01', 'No', '', 'stray']);
    });
    const [row] = await collect(parseXlsxRows(bytes));
    expect(row.errors.map((error) => error.code)).toEqual(['WRONG_CELL_COUNT']);
  });

  it('applies the same header rules as CSV', async () => {
    const bytes = await workbook((sheet) => {
      sheet.addRow(SUBMISSION_COLUMNS.map((column) => (column === 'Make' ? 'Mke' : column)));
      sheet.addRow([1]);
    });
    const error = await fileError(parseXlsxRows(bytes));
    expect(error.code).toBe('UNKNOWN_COLUMN');
    expect(error.problems[0].suggestion).toBe('Make');
  });

  it('fails a header-only sheet with NO_ROWS and an empty one with EMPTY_FILE', async () => {
    const headerOnly = await workbook((sheet) => sheet.addRow([...SUBMISSION_COLUMNS]));
    expect((await fileError(parseXlsxRows(headerOnly))).code).toBe('NO_ROWS');
    const empty = await workbook(() => undefined);
    expect((await fileError(parseXlsxRows(empty))).code).toBe('EMPTY_FILE');
  });

  it('fails bytes that are not a workbook with NOT_XLSX', async () => {
    expect((await fileError(parseXlsxRows(Buffer.from('%PDF-1.7\nnot a workbook')))).code).toBe('NOT_XLSX');
    expect((await fileError(parseXlsxRows(fixture('manufacturer-initial.csv')))).code).toBe('NOT_XLSX');
  });

  it('fails a truncated workbook with NOT_XLSX', async () => {
    const bytes = await workbook((sheet) => {
      sheet.addRow([...SUBMISSION_COLUMNS]);
      sheet.addRow([1, 'M', 'X', '1', 'ESME', 'Device Manufacturer', 'Issue', '2026-01-01', 'No']);
    });
    expect((await fileError(parseXlsxRows(bytes.subarray(0, Math.floor(bytes.length / 2))))).code).toBe('NOT_XLSX');
  });

  it('passes on a failure of the upload itself unchanged (exceljs alone would wait forever)', async () => {
    const bytes = await workbook((sheet) => {
      sheet.addRow([...SUBMISSION_COLUMNS]);
      for (let i = 1; i <= 500; i += 1) {
        sheet.addRow([i, 'M', 'X', '1', 'ESME', 'Device Manufacturer', 'Issue', '2026-01-01', 'No']);
      }
    });
    for (const cut of [2, Math.floor(bytes.length / 2), bytes.length - 10]) {
      async function* broken(): AsyncGenerator<Uint8Array> {
        yield bytes.subarray(0, cut);
        throw new Error('connection lost');
      }
      await expect(collect(parseXlsxRows(broken()))).rejects.toThrow('connection lost');
    }
  });
});

describe('parseXlsxRows: what a workbook may unpack to', () => {
  const SHEET_OPEN = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';

  it('refuses a zip bomb whose sheet unpacks to 150 MB with WORKBOOK_TOO_LARGE_UNPACKED, having read little of it', async () => {
    const { bigSheet } = xlsxBombs({ sheetBytes: 150_000_000, sharedStringBytes: 1 });
    const error = await fileError(parseXlsxRows(bigSheet));
    expect(error.code).toBe('WORKBOOK_TOO_LARGE_UNPACKED');
    expect(error.message).toMatch(/^The workbook is too large when unpacked/);
  });

  it('refuses a zip bomb of 200 MB of shared strings with WORKBOOK_TOO_LARGE_UNPACKED', async () => {
    const { bigSharedStrings } = xlsxBombs({ sheetBytes: 1, sharedStringBytes: 200_000_000 });
    expect((await fileError(parseXlsxRows(bigSharedStrings))).code).toBe('WORKBOOK_TOO_LARGE_UNPACKED');
  });

  it('counts the bytes actually unpacked, whatever sizes the zip headers declare', async () => {
    const { bigSheet } = xlsxBombs({ sheetBytes: 50_000_000, sharedStringBytes: 1 });
    // Every local header claims its entry unpacks to 100 bytes.
    const lying = Buffer.from(bigSheet);
    for (let at = lying.indexOf('PK\u0003\u0004'); at >= 0; at = lying.indexOf('PK\u0003\u0004', at + 4)) lying.writeUInt32LE(100, at + 22);
    expect((await fileError(parseXlsxRows(lying))).code).toBe('WORKBOOK_TOO_LARGE_UNPACKED');
  });

  it('refuses more shared strings than a submission could use, even when they compress modestly', async () => {
    // 600,000 different strings: about 5 times smaller packed, so no bomb by ratio, but too many to hold.
    const strings = Array.from({ length: 600_000 }, (_, i) => `<si><t>${(i * 7919).toString(36)}</t></si>`).join('');
    const bytes = xlsxArchive({ sheet: `${SHEET_OPEN}</sheetData></worksheet>`, sharedStrings: `<sst>${strings}</sst>` });
    const error = await fileError(parseXlsxRows(bytes));
    expect(error.code).toBe('WORKBOOK_TOO_LARGE_UNPACKED');
    expect(error.message).toContain('shared strings');
  });

  it('refuses one cell of several megabytes before the XML reader has to hold it', async () => {
    const cell = Array.from({ length: 300_000 }, (_, i) => (i * 2654435761 >>> 0).toString(36)).join('');
    const bytes = xlsxArchive({ sheet: `${SHEET_OPEN}<row r="1"><c r="A1" t="inlineStr"><is><t>${cell}</t></is></c></row></sheetData></worksheet>` });
    const error = await fileError(parseXlsxRows(bytes));
    expect(error.code).toBe('WORKBOOK_TOO_LARGE_UNPACKED');
    expect(error.message).toContain('xl/worksheets/sheet1.xml');
  });

  it('still reads a large ordinary workbook (30,000 rows)', async () => {
    const bytes = await workbook((sheet) => {
      sheet.addRow([...SUBMISSION_COLUMNS]);
      for (let i = 1; i <= 30_000; i += 1) {
        sheet.addRow([1_000_000 + i, 'Northwind Metering', `NW-E${i % 10}`, '0002012F', 'ESME', 'Device Manufacturer', 'Defect', utcDate('2026-02-01'), i % 2 ? 'Yes' : 'No', i % 2 ? `Upgrade ${i % 97}` : '']);
      }
    });
    let rows = 0;
    for await (const _ of parseXlsxRows(bytes)) rows += 1;
    expect(rows).toBe(30_000);
  });

  it('says in its own words that bytes are not a workbook', async () => {
    for (const bytes of [fixture('manufacturer-initial.csv'), Buffer.from('PK\u0003\u0004 not really a workbook')]) {
      const error = await fileError(parseXlsxRows(bytes));
      expect(error.code).toBe('NOT_XLSX');
      expect(error.message).toMatch(/^The file is not an \.xlsx workbook/);
      expect(error.message).not.toMatch(/signature|0x|Error:/i);
    }
  });
});

describe('cellText', () => {
  it.each<[string, ExcelJS.CellValue, string]>([
    ['a string', 'text', 'text'],
    ['an integer', 1001, '1001'],
    ['a decimal', 2.5, '2.5'],
    ['a date', new Date('2026-03-14T00:00:00.000Z'), '2026-03-14'],
    ['a boolean', true, 'TRUE'],
    ['rich text', { richText: [{ text: 'Use ' }, { text: '00A1B2C5', font: { bold: true } }] }, 'Use 00A1B2C5'],
    ['a hyperlink', { text: 'advisory', hyperlink: 'http://example.invalid' }, 'advisory'],
    ['a formula', { formula: 'A1+1', result: 1002 }, '1002'],
    ['a formula giving a date', { formula: 'TODAY()', result: new Date('2026-01-02T00:00:00.000Z') }, '2026-01-02'],
    ['an error', { error: '#N/A' }, '#N/A'],
    ['an empty cell', null, ''],
  ])('shows %s as text', (_what, value, text) => {
    expect(cellText(value)).toBe(text);
  });
});
