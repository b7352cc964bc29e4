import { FirstRowIndex } from './first-row-index';
import { RowRejection } from '../submission-errors';
import { SubmissionRow } from '../parse/submission-row';
import { SubmittedItem } from '../../item-content/submitted-item';
import { ValidationContext, canonicalIdentifier, validateRow } from './validate-row';

export type SubmissionOutcome =
  | { readonly kind: 'valid'; readonly row: number; readonly item: SubmittedItem }
  | { readonly kind: 'rejected'; readonly row: number; readonly errors: readonly RowRejection[] };

/**
 * Validates a stream of rows, one outcome per row in file order. Besides each row's own checks, an
 * Identifier may appear once per file: every later row with it is rejected with DUPLICATE_IN_FILE naming
 * the first, even when the first row was itself rejected (the file still repeats the key). Only the
 * identifiers seen so far are remembered (about 24 bytes each, see FirstRowIndex), never the rows' text.
 */
export async function* validateSubmission(
  rows: AsyncIterable<SubmissionRow> | Iterable<SubmissionRow>,
  context: ValidationContext,
): AsyncGenerator<SubmissionOutcome, void, undefined> {
  const firstRowOf = new FirstRowIndex();
  for await (const row of rows) {
    const result = validateRow(row, context);
    const errors = result.ok ? [] : [...result.errors];
    // A row of the wrong shape may have its cells shifted, so its Identifier cell is not trusted.
    const identifier = row.errors.length > 0 ? undefined : canonicalIdentifier(row.cells.Identifier);
    if (identifier !== undefined) {
      const first = firstRowOf.firstOrRemember(identifier, row.row);
      if (first !== undefined) {
        errors.push({
          row: row.row,
          column: 'Identifier',
          code: 'DUPLICATE_IN_FILE',
          reason: `Identifier ${identifier} is repeated: it is already used in row ${first}`,
        });
      }
    }
    if (result.ok && errors.length === 0) {
      yield { kind: 'valid', row: row.row, item: result.item };
    } else {
      yield { kind: 'rejected', row: row.row, errors };
    }
  }
}
