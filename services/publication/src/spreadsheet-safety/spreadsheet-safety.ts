/*
 * Free text goes out of publication as provided (R1: never rewritten), but a spreadsheet opening an export must
 * show it as text, never run it: a cell starting with `=`, `+`, `-`, `@`, tab or CR would be read as a formula
 * (CSV injection). Every spreadsheet publication writes (CSV downloads, releases) passes its cells through here.
 */

/*
 * Chosen beyond the four characters, tab and CR: the same characters after leading white space (spaces,
 * non-breaking and other Unicode spaces, line breaks, the zero-width space and a byte order mark), since some
 * spreadsheets trim it on import, and their full-width forms (＝ ＋ － ＠), which some locales read as the ASCII
 * ones. The cost is an apostrophe on the odd cell of plain text, such as a negative number written as text.
 */
const FORMULA_START = /^[\t\r]|^[\s\u200b\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]/u;

/** The cell as a spreadsheet must show it: with a leading apostrophe, which spreadsheets hide and read as "text", when it could be a formula. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CRLF-terminated CSV line: every text cell neutralised, then quoted as CSV needs; null is an empty cell. */
export function csvLine(cells: ReadonlyArray<string | number | null>): string {
  return `${cells.map((cell) => (cell === null ? '' : typeof cell === 'number' ? String(cell) : csvCell(neutraliseCell(cell)))).join(',')}\r\n`;
}
