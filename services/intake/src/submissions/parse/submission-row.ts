import { SUBMISSION_COLUMNS, SubmissionColumn, canonicalColumn, glossaryKey } from '@smi/contracts';
import { FileProblem, RowRejection, SubmissionFileError, WHOLE_ROW } from '../submission-errors';

/** One data row of a submission, whatever the file format, before validation. */
export interface SubmissionRow {
  /** Row number as a spreadsheet shows it: the header is row 1. */
  readonly row: number;
  /** Cell text by glossary column; a missing cell reads as an empty string. */
  readonly cells: Readonly<Record<SubmissionColumn, string>>;
  /** Problems with the row's shape found while reading it; validation reports these instead. */
  readonly errors: readonly RowRejection[];
}

/** Where each glossary column sits in the file. */
export interface ColumnLayout {
  /** Position (0-based) of each column. */
  readonly positions: Readonly<Record<SubmissionColumn, number>>;
  /** Number of named cells; header cells after the last name are spreadsheet padding. */
  readonly width: number;
}

export function isBlank(values: readonly string[]): boolean {
  return values.every((value) => value.trim() === '');
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest column name not already in the header, if it is close enough to be a slip of the keyboard. */
export function suggestColumn(header: string, candidates: readonly SubmissionColumn[]): SubmissionColumn | undefined {
  const key = glossaryKey(header);
  if (key === '') return undefined;
  let best: { column: SubmissionColumn; distance: number } | undefined;
  for (const column of candidates) {
    const distance = editDistance(key, glossaryKey(column));
    if (best === undefined || distance < best.distance) best = { column, distance };
  }
  const tolerance = Math.max(2, Math.floor(key.length / 3));
  return best !== undefined && best.distance <= tolerance ? best.column : undefined;
}

/**
 * Widest header read. A submission has ten columns; a spreadsheet's padding of empty cells is dropped first, so
 * a wider header is not a submission, and reading it would only produce one problem per column.
 */
export const MAX_HEADER_COLUMNS = 200;
/** Header problems listed in an answer (with their total), as the validation report lists the first rejections. */
export const MAX_REPORTED_HEADER_PROBLEMS = 20;

/**
 * Matches a header row against the glossary columns. Every column is required (Fix Information may be
 * empty in a row, but the column must be there), so the file can be read the same way every time.
 */
export function resolveHeader(headerCells: readonly string[], headerRow: number): ColumnLayout {
  let width = headerCells.length;
  while (width > 0 && headerCells[width - 1].trim() === '') width -= 1;
  if (width > MAX_HEADER_COLUMNS) {
    throw new SubmissionFileError(
      'TOO_MANY_COLUMNS',
      `The header has ${width} columns; a submission has ${SUBMISSION_COLUMNS.length} (${SUBMISSION_COLUMNS.join(', ')}), ` +
        `and a header of more than ${MAX_HEADER_COLUMNS} is not read`,
      { row: headerRow },
    );
  }

  const found = new Map<SubmissionColumn, number>();
  const unknown: { position: number; text: string }[] = [];
  const problems: FileProblem[] = [];
  for (let position = 0; position < width; position += 1) {
    const text = headerCells[position];
    const column = canonicalColumn(text);
    if (column === undefined) {
      unknown.push({ position, text });
      continue;
    }
    const first = found.get(column);
    if (first !== undefined) {
      problems.push({
        code: 'DUPLICATE_COLUMN',
        column,
        reason: `Column "${column}" appears twice in the header (columns ${first + 1} and ${position + 1})`,
      });
      continue;
    }
    found.set(column, position);
  }
  const missing = SUBMISSION_COLUMNS.filter((column) => !found.has(column));
  const unknownProblems = unknown.map(({ position, text }): FileProblem => {
    if (text.trim() === '') {
      return { code: 'UNKNOWN_COLUMN', column: '', reason: `Header column ${position + 1} has no name` };
    }
    const suggestion = suggestColumn(text, missing);
    return {
      code: 'UNKNOWN_COLUMN',
      column: text,
      suggestion,
      reason:
        `Unknown column "${text.trim()}" (header column ${position + 1})` +
        (suggestion === undefined ? '' : `: did you mean "${suggestion}"?`),
    };
  });
  const missingProblems = missing.map(
    (column): FileProblem => ({ code: 'MISSING_COLUMN', column, reason: `Required column "${column}" is missing` }),
  );
  const all = [...unknownProblems, ...problems, ...missingProblems];
  if (all.length > 0) {
    const listed = all.slice(0, MAX_REPORTED_HEADER_PROBLEMS);
    const more = all.length - listed.length;
    throw new SubmissionFileError(all[0].code, listed.map((problem) => problem.reason).join('; ') + (more > 0 ? `; and ${more} more` : ''), {
      row: headerRow,
      column: all[0].column,
      problems: listed,
      problemsTotal: all.length,
    });
  }
  return { positions: Object.fromEntries(found) as Record<SubmissionColumn, number>, width };
}

export interface ShapeRules {
  /** A CSV row must have a cell for every column; a spreadsheet simply omits trailing empty cells. */
  readonly requireAllCells: boolean;
}

export function buildRow(
  values: readonly string[],
  row: number,
  layout: ColumnLayout,
  rules: ShapeRules,
): SubmissionRow {
  // Filled in place, once per row of the file: building it from entry arrays was most of this function's time.
  const cells = {} as Record<SubmissionColumn, string>;
  for (const column of SUBMISSION_COLUMNS) cells[column] = values[layout.positions[column]] ?? '';
  const errors: RowRejection[] = [];
  let extra = 0;
  for (let i = layout.width; i < values.length; i += 1) if (values[i].trim() !== '') extra += 1;
  if (rules.requireAllCells && values.length < layout.width) {
    errors.push({
      row,
      column: WHOLE_ROW,
      code: 'WRONG_CELL_COUNT',
      reason: `Row has ${values.length} cells but the header has ${layout.width}`,
    });
  } else if (extra > 0) {
    errors.push({
      row,
      column: WHOLE_ROW,
      code: 'WRONG_CELL_COUNT',
      reason:
        `Row has ${extra} value(s) beyond the ${layout.width} header columns` +
        (rules.requireAllCells ? ' (an unquoted comma inside a value?)' : ''),
    });
  }
  return { row, cells, errors };
}
