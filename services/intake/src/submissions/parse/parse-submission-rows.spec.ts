import { parseSubmissionRows } from './parse-submission-rows';
import { SubmissionRow } from './submission-row';
import { HEADER, MANUFACTURER_CELLS, collect, csv, fileError, manufacturerRow } from '../test-support/submission-files';

function rows(text: string | Iterable<string>, maxFieldLength?: number): Promise<SubmissionRow[]> {
  return collect(parseSubmissionRows(text, { maxFieldLength }));
}

function failure(text: string, maxFieldLength?: number) {
  return fileError(parseSubmissionRows(text, { maxFieldLength }));
}

describe('parseSubmissionRows', () => {
  it('reads a header and rows into cells by glossary column', async () => {
    const [row] = await rows(csv([HEADER, manufacturerRow(1001)]));
    expect(row.row).toBe(2);
    expect(row.errors).toEqual([]);
    expect(row.cells).toEqual(MANUFACTURER_CELLS);
  });

  it('matches headings whatever their case, spacing and order', async () => {
    const header = [
      'fix information',
      'IDENTIFIER',
      ' Make ',
      'model',
      'FirmwareVersion',
      'device type',
      'source',
      'Status Of Information',
      'DATE LAST UPDATED',
      'Fix  Available',
    ].join(',');
    const [row] = await rows(csv([header, 'see note,7,M,X,1,ESME,CSP,Issue,2026-01-01,No']));
    expect(row.cells.Identifier).toBe('7');
    expect(row.cells['Fix Information']).toBe('see note');
    expect(row.cells['Fix Available']).toBe('No');
  });

  it('reads CRLF, LF and mixed line ends alike', async () => {
    const lines = [HEADER, manufacturerRow(1), manufacturerRow(2), manufacturerRow(3)];
    const lf = await rows(csv(lines, '\n'));
    const crlf = await rows(csv(lines, '\r\n'));
    const mixed = await rows(`${lines[0]}\r\n${lines[1]}\n${lines[2]}\r\n${lines[3]}`);
    expect(crlf).toEqual(lf);
    expect(mixed).toEqual(lf);
    expect(lf.map((row) => row.row)).toEqual([2, 3, 4]);
  });

  it('reads quoted cells with commas, doubled quotes and line breaks; rows count records, not lines', async () => {
    const text = csv(
      [
        HEADER,
        manufacturerRow(1, { 9: '"Apply 00020130, then reboot; the ""safe mode"" flag clears"' }),
        manufacturerRow(2, { 9: '"Line one\r\nline two\nline three"' }),
        manufacturerRow(3),
      ],
      '\r\n',
    );
    const result = await rows(text);
    expect(result.map((row) => row.row)).toEqual([2, 3, 4]);
    expect(result[0].cells['Fix Information']).toBe('Apply 00020130, then reboot; the "safe mode" flag clears');
    expect(result[1].cells['Fix Information']).toBe('Line one\r\nline two\nline three');
    expect(result[2].cells.Identifier).toBe('3');
  });

  it('ignores blank rows (empty lines and rows of empty cells) but keeps counting them', async () => {
    const text = csv([HEADER, manufacturerRow(1), ',,,,,,,,,', '', manufacturerRow(2), ' , ,,,,,,,, ', ',,,,,,,,,']);
    const result = await rows(text);
    expect(result.map((row) => [row.row, row.cells.Identifier])).toEqual([
      [2, '1'],
      [5, '2'],
    ]);
  });

  it('gives the same rows when the text arrives one character at a time', async () => {
    const text = csv([HEADER, manufacturerRow(1, { 9: '"a,\r\nb"' }), '', manufacturerRow(2)], '\r\n');
    expect(await rows(text.split(''))).toEqual(await rows(text));
  });

  it('accepts trailing empty cells as spreadsheet padding', async () => {
    const [row] = await rows(csv([`${HEADER},,`, `${manufacturerRow(1)},,`]));
    expect(row.errors).toEqual([]);
  });

  it('rejects a row with too few cells, at row level', async () => {
    const result = await rows(csv([HEADER, manufacturerRow(1), '2,Northwind Metering,NW-E470', manufacturerRow(3)]));
    expect(result.map((row) => [row.row, row.errors.map((error) => error.code)])).toEqual([
      [2, []],
      [3, ['WRONG_CELL_COUNT']],
      [4, []],
    ]);
    expect(result[1].errors[0]).toMatchObject({ row: 3, column: '*', reason: 'Row has 3 cells but the header has 10' });
  });

  it('rejects a row with too many cells (an unquoted comma), at row level', async () => {
    const result = await rows(csv([HEADER, manufacturerRow(1, { 9: 'Apply 00020130, then reboot' })]));
    expect(result[0].errors).toEqual([
      expect.objectContaining({ row: 2, code: 'WRONG_CELL_COUNT', reason: expect.stringMatching(/unquoted comma/) }),
    ]);
  });

  it('fails an empty file with EMPTY_FILE', async () => {
    expect((await failure('')).code).toBe('EMPTY_FILE');
    expect((await failure('\r\n\r\n,,,\r\n')).code).toBe('EMPTY_FILE');
  });

  it('fails a file with only a header (and blank rows) with NO_ROWS', async () => {
    expect((await failure(HEADER)).code).toBe('NO_ROWS');
    expect((await failure(csv([HEADER, ',,,,,,,,,', '']))).code).toBe('NO_ROWS');
  });

  it('fails a header without a required column with MISSING_COLUMN', async () => {
    const header = HEADER.replace(',Fix Information', '');
    const error = await failure(csv([header, '1,a,b,c,ESME,CSP,Issue,2026-01-01,No']));
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.row).toBe(1);
    expect(error.problems).toEqual([
      { code: 'MISSING_COLUMN', column: 'Fix Information', reason: 'Required column "Fix Information" is missing' },
    ]);
  });

  it('fails a header with a doubled column with DUPLICATE_COLUMN', async () => {
    const error = await failure(csv([`${HEADER},MAKE`, `${manufacturerRow(1)},x`]));
    expect(error.code).toBe('DUPLICATE_COLUMN');
    expect(error.column).toBe('Make');
    expect(error.message).toMatch(/columns 2 and 11/);
  });

  it('fails a misspelt heading with UNKNOWN_COLUMN and suggests the nearest column', async () => {
    const error = await failure(csv([HEADER.replace('Firmware Version', 'Firmwre Version'), manufacturerRow(1)]));
    expect(error.code).toBe('UNKNOWN_COLUMN');
    expect(error.problems[0]).toMatchObject({ column: 'Firmwre Version', suggestion: 'Firmware Version' });
    expect(error.message).toMatch(/did you mean "Firmware Version"\?/);
    expect(error.problems.map((problem) => problem.code)).toEqual(['UNKNOWN_COLUMN', 'MISSING_COLUMN']);
  });

  it('offers no suggestion for a heading that resembles no column', async () => {
    const error = await failure(csv([`${HEADER},Comments`, `${manufacturerRow(1)},x`]));
    expect(error.problems).toEqual([
      {
        code: 'UNKNOWN_COLUMN',
        column: 'Comments',
        suggestion: undefined,
        reason: 'Unknown column "Comments" (header column 11)',
      },
    ]);
  });

  it('fails a cell longer than the limit with FIELD_TOO_LONG, naming row, line and column', async () => {
    const text = csv([HEADER, manufacturerRow(1), manufacturerRow(2, { 9: 'x'.repeat(101) })]);
    const error = await failure(text, 100);
    expect(error).toMatchObject({ code: 'FIELD_TOO_LONG', row: 3, line: 3, column: 'Fix Information' });
    expect((await rows(text, 101)).length).toBe(2);
  });

  it('stops an unclosed quote from swallowing a large file (FIELD_TOO_LONG, bounded buffering)', async () => {
    const body = Array.from({ length: 2000 }, (_, i) => manufacturerRow(i + 2)).join('\n');
    const text = `${HEADER}\n${manufacturerRow(1, { 9: '"never closed' })}\n${body}\n`;
    const error = await failure(text, 100);
    expect(error).toMatchObject({ code: 'FIELD_TOO_LONG', row: 2, line: 2 });
  });

  it('fails an unterminated quote with MALFORMED_CSV and the line where the row starts', async () => {
    const text = csv([
      HEADER,
      manufacturerRow(1, { 9: '"two\nlines"' }),
      manufacturerRow(2, { 9: '"never closed' }),
      '3,a',
    ]);
    const parsed: number[] = [];
    const error = await fileError(
      (async function* () {
        for await (const row of parseSubmissionRows(text)) {
          parsed.push(row.row);
          yield row;
        }
      })(),
    );
    expect(error).toMatchObject({ code: 'MALFORMED_CSV', row: 3, line: 4 });
    expect(error.message).toMatch(/never closed/);
    expect(parsed).toEqual([2]);
  });

  it.each([
    ['text after a closing quote', '"closed"then more'],
    ['a stray quote in an unquoted cell', 'the 5" display'],
  ])('fails %s with MALFORMED_CSV', async (_what, cell) => {
    const error = await failure(csv([HEADER, manufacturerRow(1), manufacturerRow(2, { 9: cell })]));
    expect(error).toMatchObject({ code: 'MALFORMED_CSV', row: 3, line: 3 });
  });
});

describe('parseSubmissionRows: hostile headers and broken quoting', () => {
  it('refuses a header of 100,000 columns with TOO_MANY_COLUMNS, one short problem', async () => {
    const extra = Array(100_000).fill('x').join(',');
    const error = await failure(csv([`${HEADER},${extra}`, manufacturerRow(1)]));
    expect(error).toMatchObject({ code: 'TOO_MANY_COLUMNS', row: 1 });
    expect(error.message).toContain('100010 columns');
    expect(error.problems).toHaveLength(1);
    expect(error.message.length).toBeLessThan(300);
  });

  it('lists at most 20 header problems, with how many there are in all', async () => {
    const extra = Array.from({ length: 150 }, (_, i) => `Extra ${i}`).join(',');
    const error = await failure(csv([`${HEADER},${extra}`, manufacturerRow(1)]));
    expect(error).toMatchObject({ code: 'UNKNOWN_COLUMN', problemsTotal: 150 });
    expect(error.problems).toHaveLength(20);
    expect(error.message).toMatch(/; and 130 more$/);
  });

  it.each([
    ['text after a closing quote', '"closed"then more', /text after its closing quote/, /Invalid Closing Quote|found on field/i],
    ['a stray quote in an unquoted cell', 'the 5" display', /a quote inside it without being quoted/, /Invalid Opening Quote|found on field/i],
  ])('says what is wrong with %s in its own words, with row and line', async (_what, cell, ownText, libraryText) => {
    const error = await failure(csv([HEADER, manufacturerRow(1), manufacturerRow(2, { 9: cell })]));
    expect(error).toMatchObject({ code: 'MALFORMED_CSV', row: 3, line: 3 });
    expect(error.message).toMatch(/^Row 3 \(line 3\): /);
    expect(error.message).toMatch(ownText);
    expect(error.message).not.toMatch(libraryText);
  });
});
