import {
  CorrectionFileProblem,
  CorrectionRow,
  laneOf,
  neutraliseCell,
  readCorrectionRows,
  resultsLine,
  rowCounter,
  rowRequestId,
} from './correction-file';
import { parseRequestId } from '../device-aggregate';

async function rows(text: string | Buffer, chunkSize = 7): Promise<CorrectionRow[]> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  // Split into small chunks: a row, a BOM or a CRLF cut across chunks must read the same.
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const result: CorrectionRow[] = [];
  for await (const row of readCorrectionRows(chunks)) result.push(row);
  return result;
}

async function problem(text: string): Promise<CorrectionFileProblem> {
  try {
    await rows(text);
  } catch (error) {
    if (error instanceof CorrectionFileProblem) return error;
    throw error;
  }
  throw new Error('expected a file-level problem');
}

const HASH = 'ab'.repeat(32);

describe('reading a bulk correction file', () => {
  it('reads rows after the header, numbered from 1, with Device IDs in any accepted notation made canonical', async () => {
    expect(await rows('Device ID,ESME Variant\n00-DB-12-34-56-78-90-A1,B\n00db1234567890a2,AD\n00-db-12-34-56-78-90-a3,CDE\n')).toEqual([
      { row: 1, ok: true, deviceId: '00-DB-12-34-56-78-90-A1', esmeVariant: 'B', rawDeviceId: '00-DB-12-34-56-78-90-A1', rawVariant: 'B' },
      { row: 2, ok: true, deviceId: '00-DB-12-34-56-78-90-A2', esmeVariant: 'AD', rawDeviceId: '00db1234567890a2', rawVariant: 'AD' },
      { row: 3, ok: true, deviceId: '00-DB-12-34-56-78-90-A3', esmeVariant: 'CDE', rawDeviceId: '00-db-12-34-56-78-90-a3', rawVariant: 'CDE' },
    ]);
  });

  it('tolerates what spreadsheets write: a byte order mark, CRLF, quoted cells, spaces, blank and empty trailing rows, a header in another case', async () => {
    const text = '\uFEFF device id , "ESME  Variant"\r\n"00-DB-12-34-56-78-90-A1", B \r\n\r\n00DB1234567890A2,"A"\r\n,\r\n,,\r\n\r\n';
    expect((await rows(text, 3)).map((r) => (r.ok ? `${r.row}:${r.deviceId}:${r.esmeVariant}` : `${r.row}:${r.problem}`))).toEqual([
      '1:00-DB-12-34-56-78-90-A1:B',
      '2:00-DB-12-34-56-78-90-A2:A',
    ]);
  });

  it.each<[string, string, RegExp]>([
    ['a bad Device ID', '00-DB-12,B', /Device ID must be an EUI-64/],
    ['a half-dashed Device ID', '00-DB-1234567890A1,B', /Device ID/],
    ['a variant outside the nine codes', '00-DB-12-34-56-78-90-A1,E', /ESME Variant must be one of A, AD, ADE, B, BD, BDE, C, CD, CDE/],
    ['a lower-case variant (matched exactly, as in SR8.4)', '00-DB-12-34-56-78-90-A1,ad', /ESME Variant/],
    ['an empty variant', '00-DB-12-34-56-78-90-A1,', /ESME Variant/],
    ['one column', '00-DB-12-34-56-78-90-A1', /expected 2 columns \(Device ID, ESME Variant\), got 1/],
    ['three columns', '00-DB-12-34-56-78-90-A1,B,extra', /got 3/],
  ])('reports %s as a malformed row and reads on', async (_why, line, reason) => {
    const [bad, good] = await rows(`Device ID,ESME Variant\n${line}\n00-DB-12-34-56-78-90-A9,C\n`);
    expect(bad).toMatchObject({ row: 1, ok: false, problem: expect.stringMatching(reason) });
    expect(good).toMatchObject({ row: 2, ok: true, deviceId: '00-DB-12-34-56-78-90-A9' });
  });

  it('keeps only the start of an overlong cell of a malformed row', async () => {
    const [row] = await rows(`Device ID,ESME Variant\n${'x'.repeat(5000)},B\n`);
    expect(row.ok).toBe(false);
    expect(row.rawDeviceId).toHaveLength(100);
  });

  it.each<[string, string | Buffer, string, RegExp]>([
    ['an empty file', '', 'MISSING_HEADER', /empty/],
    ['a file of blank lines', '\r\n\r\n', 'MISSING_HEADER', /empty/],
    ['a file that starts with a correction', '00-DB-12-34-56-78-90-A1,B\n', 'MISSING_HEADER', /not the header/],
    ['another header', 'Device,Variant\n00-DB-12-34-56-78-90-A1,B\n', 'WRONG_HEADER', /must be Device ID,ESME Variant \(got "Device,Variant"\)/],
    ['an extra header column', 'Device ID,ESME Variant,Note\n', 'WRONG_HEADER', /Note/],
    ['an unclosed quote', 'Device ID,ESME Variant\n"00-DB-12-34-56-78-90-A1,B\n', 'NOT_CSV', /cannot be read as CSV/],
    ['a record without line breaks beyond 16 KiB', `Device ID,ESME Variant\n${'0'.repeat(20_000)}`, 'FIELD_TOO_LONG', /^line 2 runs past 16 KiB without ending/],
    ['a quote inside an unquoted cell', 'Device ID,ESME Variant\n00-DB-12-34-56-78-90-A1,B "x"\n', 'NOT_CSV', /line 2 has a quote inside a cell that is not quoted/],
    ['text after a closing quote', 'Device ID,ESME Variant\n00-DB-12-34-56-78-90-A1,"B"x\n', 'NOT_CSV', /line 2 has text after a quoted cell's closing quote/],
  ])('refuses %s as a whole', async (_why, text, code, message) => {
    const refused = await problem(text as string);
    expect(refused.code).toBe(code);
    expect(refused.message).toMatch(message);
    // In the file's terms, never csv-parse's ("Max Record Size reached", "Invalid Opening Quote: a quote is found on field 1…").
    expect(refused.message).not.toMatch(/Max Record Size|Invalid (Opening|Closing) Quote|found on field|max_record_size/i);
  });

  it('passes on an error of the byte source (an upload over its limit) as it is', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('Device ID,ESME Variant\n00-DB-12-34-56-78-90-A1,B\n');
      throw new RangeError('too large');
    }
    const read = async () => {
      for await (const _row of readCorrectionRows(failing())) void _row;
    };
    await expect(read()).rejects.toThrow('too large');
  });
});

describe('lanes', () => {
  it('put every row of one device in the same lane, whatever its notation, and spread devices over the lanes', async () => {
    const read = await rows('Device ID,ESME Variant\n00-DB-12-34-56-78-90-A1,B\n00db1234567890a1,C\nbad,B\n');
    expect(laneOf(read[0], 4)).toBe(laneOf(read[1], 4));
    expect(laneOf(read[2], 1)).toBe(0);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) {
      const deviceId = `00-DB-00-00-00-00-${(i >> 8).toString(16).toUpperCase().padStart(2, '0')}-${(i & 255).toString(16).toUpperCase().padStart(2, '0')}`;
      counts[laneOf({ row: i + 1, ok: true, deviceId, esmeVariant: 'A', rawDeviceId: deviceId, rawVariant: 'A' }, 3)]++;
    }
    expect(Math.min(...counts)).toBeGreaterThan(800);
  });
});

describe('RequestIDs of a file’s rows', () => {
  it('are the same for the same file and row, and differ by row and by file', () => {
    expect(rowCounter(HASH, 1)).toBe(rowCounter(HASH, 1));
    expect(rowCounter(HASH, 1)).not.toBe(rowCounter(HASH, 2));
    expect(rowCounter(HASH, 1)).not.toBe(rowCounter('cd'.repeat(32), 1));
  });

  it('are DUIS RequestIDs: the sender as originator, the device as target, a 64-bit decimal counter in the upper half', () => {
    const sender = '90-B3-D5-1F-30-01-00-01';
    const device = '00-DB-12-34-56-78-90-A1';
    for (let row = 1; row <= 200; row++) {
      const id = rowRequestId(sender, device, HASH, row);
      const parsed = parseRequestId(id);
      expect(parsed).toEqual({ originator: sender, target: device, counter: expect.stringMatching(/^\d{19,20}$/) });
      const counter = BigInt((parsed as { counter: string }).counter);
      expect(counter >= 1n << 63n && counter < 1n << 64n).toBe(true);
    }
  });
});

describe('the results file', () => {
  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+44 20', "'+44 20"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['00-DB-12-34-56-78-90-A1', '00-DB-12-34-56-78-90-A1'],
    ['', ''],
  ])('neutralises %j as %j', (cell, shown) => {
    expect(neutraliseCell(cell)).toBe(shown);
  });

  it('quotes cells with commas, quotes or line breaks, after neutralising, and ends lines with CRLF', () => {
    expect(resultsLine([4, '=1+2,3', 'B', 'MALFORMED', 'say "no"\nplease'])).toBe(`4,"'=1+2,3",B,MALFORMED,"say ""no""\nplease"\r\n`);
    expect(resultsLine([1, '00-DB-12-34-56-78-90-A1', 'AD', 'I0', 'ESME Variant corrected from A to AD'])).toBe(
      '1,00-DB-12-34-56-78-90-A1,AD,I0,ESME Variant corrected from A to AD\r\n',
    );
  });
});
