/*
 * What a spreadsheet must show as text (CSV and formula injection). Free text is as the provider wrote it, and a
 * cell a spreadsheet reads as a formula could run when DCC or SECAS opens the file: one beginning with `=`, `+`,
 * `-`, `@`, a tab or a carriage return gets a leading apostrophe, which spreadsheets take as "text".
 *
 * Chosen beyond the four characters: the same characters after leading white space (spaces, non-breaking and
 * other Unicode spaces, line breaks, the zero-width space and a byte-order mark), since some spreadsheets trim it
 * on import; and their full-width forms (＝ ＋ － ＠), which some locales read as the ASCII ones. The cost is an
 * apostrophe on the odd cell of plain text, such as a negative number written as text.
 */
const FORMULA_START = /^[\t\r]|^[\s\u200b\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]/u;

export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function quoteCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CRLF-terminated CSV line (RFC 4180): every cell neutralised, then quoted where CSV needs it. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((cell) => quoteCell(neutraliseCell(cell))).join(',')}\r\n`;
}
