import { parse } from 'csv-parse/sync';
import { csvLine, neutraliseCell } from './spreadsheet-safety';

describe('cells a spreadsheet would read as a formula are neutralised', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['=HYPERLINK("http://evil.example","click")', `'=HYPERLINK("http://evil.example","click")`],
    ['+44 20 7946 0000', "'+44 20 7946 0000"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['\t plain text after a tab', "'\t plain text after a tab"],
  ])('%j at the start', (cell, expected) => {
    expect(neutraliseCell(cell)).toBe(expected);
  });

  it.each([
    [' =1+1'],
    ['   +1'],
    ['\u00a0=cmd'],
    ['\n=cmd'],
    ['\r\n-1'],
    ['\u2003@x'],
    ['\u3000=x'],
    ['\u200b=x'],
    ['\ufeff=x'],
    ['＝1+1'],
    ['＋1'],
    ['－1'],
    ['＠x'],
    ['  ＝x'],
  ])('%j: after leading white space, or in full width', (cell) => {
    expect(neutraliseCell(cell)).toBe(`'${cell}`);
  });

  it.each([['Upgrade to 38040405'], ['38040404'], ['a=b'], ['x-1'], ['e-mail@example.com'], [''], ['   '], ["'=already text"], ['Fix: apply patch 7 (see notes) +1']])(
    '%j is left as it is',
    (cell) => {
      expect(neutraliseCell(cell)).toBe(cell);
    },
  );

  it('writes a CSV line that reads back as the neutralised cells, quoting commas, quotes and line breaks', () => {
    const cells = ['42', '=cmd|" /C calc"!A0', 'a, b', 'say "hi"', 'two\nlines', '-1', ''];
    const line = csvLine(cells);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(parse(line)).toEqual([['42', `'=cmd|" /C calc"!A0`, 'a, b', 'say "hi"', 'two\nlines', "'-1", '']]);
  });
});
