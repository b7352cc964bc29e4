/*
 * Free text goes out of publication as provided (R1: never rewritten), but a spreadsheet opening an export must
 * show it as text, never run it: a cell starting with `=`, `+`, `-`, `@`, tab or CR would be read as a formula
 * (CSV injection). Every spreadsheet publication writes (CSV downloads, releases) passes its cells through here.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

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
