/**
 * Problems that make a whole file unusable. The file is rejected as a unit: callers must not keep any row
 * of a file whose row stream ended with one of these, even rows that were yielded before it.
 */
export type SubmissionFileErrorCode =
  | 'NOT_CSV'
  | 'NOT_XLSX'
  | 'UNSUPPORTED_ENCODING'
  | 'MIXED_ENCODING'
  | 'EMPTY_FILE'
  | 'NO_ROWS'
  | 'UNKNOWN_COLUMN'
  | 'MISSING_COLUMN'
  | 'DUPLICATE_COLUMN'
  | 'MALFORMED_CSV'
  | 'FIELD_TOO_LONG'
  | 'TOO_MANY_COLUMNS'
  | 'WORKBOOK_TOO_LARGE_UNPACKED';

/** Problems that reject one row; the rest of the file is still processed. */
export type RowRejectionCode =
  | 'WRONG_CELL_COUNT'
  | 'VALUE_REQUIRED'
  | 'VALUE_TOO_LONG'
  | 'INVALID_IDENTIFIER'
  | 'UNKNOWN_DEVICE_TYPE'
  | 'DEVICE_TYPE_NOT_ALLOWED'
  | 'UNKNOWN_SOURCE'
  | 'SOURCE_MISMATCH'
  | 'MAKE_NOT_DECLARED'
  | 'UNKNOWN_STATUS'
  | 'INVALID_DATE'
  | 'DATE_IN_FUTURE'
  | 'INVALID_YES_NO'
  | 'FIX_INFORMATION_REQUIRED'
  | 'DUPLICATE_IN_FILE';

/** `column` value of a rejection that concerns the row as a whole rather than one cell. */
export const WHOLE_ROW = '*';

export interface RowRejection {
  /** Row number as a spreadsheet shows it: the header is row 1. */
  readonly row: number;
  /** Glossary column name, or {@link WHOLE_ROW}. */
  readonly column: string;
  readonly code: RowRejectionCode;
  readonly reason: string;
}

/** One finding behind a file-level error; a header can have several (a misspelt and a missing column). */
export interface FileProblem {
  readonly code: SubmissionFileErrorCode;
  readonly reason: string;
  readonly column?: string;
  /** Nearest glossary column name for an unknown header. */
  readonly suggestion?: string;
}

export interface SubmissionFileErrorDetails {
  readonly row?: number;
  /** Physical line (1-based) in a text file, where it differs from or adds to the row. */
  readonly line?: number;
  readonly column?: string;
  readonly byteOffset?: number;
  readonly problems?: readonly FileProblem[];
  /** How many problems there are when `problems` lists only the first of them. */
  readonly problemsTotal?: number;
}

export class SubmissionFileError extends Error {
  override readonly name = 'SubmissionFileError';
  readonly row?: number;
  readonly line?: number;
  readonly column?: string;
  readonly byteOffset?: number;
  readonly problems: readonly FileProblem[];
  readonly problemsTotal: number;

  constructor(
    readonly code: SubmissionFileErrorCode,
    message: string,
    details: SubmissionFileErrorDetails = {},
  ) {
    super(message);
    this.row = details.row;
    this.line = details.line;
    this.column = details.column;
    this.byteOffset = details.byteOffset;
    this.problems = details.problems ?? [{ code, reason: message, column: details.column }];
    this.problemsTotal = details.problemsTotal ?? this.problems.length;
  }
}
