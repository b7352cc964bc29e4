import { csvCell, csvLine, neutraliseCell } from './spreadsheet-safety';

describe('spreadsheet safety', () => {
  it('makes every cell a spreadsheet could run as a formula text, and leaves the rest as provided', () => {
    for (const formula of ['=1+1', '+44 20', '-2', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x")']) expect(neutraliseCell(formula)).toBe(`'${formula}`);
    for (const text of ['Upgrade to 38040405', 'a=b', "'already", '', '38040404', 'ünïcode – ok', 'x -1']) expect(neutraliseCell(text)).toBe(text);
  });

  it('also catches a formula behind leading white space a spreadsheet may trim, and the full-width signs some locales read as formulas', () => {
    for (const formula of [' =1+1', '\u00a0+1', '\n@x', '\u200b=x', '\ufeff-x', '＝SUM(A1)', ' ＋1', '－1', '＠x']) expect(neutraliseCell(formula)).toBe(`'${formula}`);
  });

  it('quotes a cell only when CSV needs it, doubling its quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('writes a CRLF line, neutralised before quoted, numbers and nulls as they are', () => {
    expect(csvLine(['00-DB-12-34-56-78-90-A1', '=cmd|"/c calc"!A0', 3, null, '-1,5'])).toBe(`00-DB-12-34-56-78-90-A1,"'=cmd|""/c calc""!A0",3,,"'-1,5"\r\n`);
  });
});
