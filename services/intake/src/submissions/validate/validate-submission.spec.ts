import { SUBMISSION_COLUMNS, SubmissionColumn } from '@smi/contracts';
import { SubmissionRow } from '../parse/submission-row';
import { SubmissionOutcome, validateSubmission } from './validate-submission';
import { HEADER, MANUFACTURER, collect, manufacturerRow, validateCsvBytes } from '../test-support/submission-files';

function row(number: number, identifier: string, cells: Partial<Record<SubmissionColumn, string>> = {}): SubmissionRow {
  const values = manufacturerRow(identifier).split(',');
  const base = Object.fromEntries(SUBMISSION_COLUMNS.map((column, i) => [column, values[i]])) as Record<
    SubmissionColumn,
    string
  >;
  return { row: number, cells: { ...base, ...cells }, errors: [] };
}

function brief(outcome: SubmissionOutcome): string {
  return outcome.kind === 'valid'
    ? `${outcome.row} valid ${outcome.item.identifier}`
    : `${outcome.row} ${outcome.errors.map((error) => error.code).join('+')}`;
}

describe('validateSubmission', () => {
  it('rejects every repeat of an Identifier, naming the row that used it first', async () => {
    const outcomes = await collect(
      validateSubmission([row(2, '5'), row(3, '6'), row(4, '005'), row(5, '5'), row(6, '7')], MANUFACTURER),
    );
    expect(outcomes.map(brief)).toEqual([
      '2 valid 5',
      '3 valid 6',
      '4 DUPLICATE_IN_FILE',
      '5 DUPLICATE_IN_FILE',
      '6 valid 7',
    ]);
    const repeat = outcomes[2];
    expect(repeat.kind === 'rejected' && repeat.errors).toEqual([
      {
        row: 4,
        column: 'Identifier',
        code: 'DUPLICATE_IN_FILE',
        reason: 'Identifier 5 is repeated: it is already used in row 2',
      },
    ]);
  });

  it('counts an Identifier as used even when its first row was rejected, and adds to a row’s own errors', async () => {
    const outcomes = await collect(
      validateSubmission(
        [row(2, '5', { 'Date last Updated': '31/02/2026' }), row(3, '5', { 'Fix Available': 'Maybe' })],
        MANUFACTURER,
      ),
    );
    expect(outcomes.map(brief)).toEqual(['2 INVALID_DATE', '3 INVALID_YES_NO+DUPLICATE_IN_FILE']);
  });

  it('does not trust the Identifier of a row with the wrong number of cells', async () => {
    const shapeError = { row: 2, column: '*', code: 'WRONG_CELL_COUNT' as const, reason: 'short' };
    const outcomes = await collect(
      validateSubmission([{ ...row(2, '5'), errors: [shapeError] }, row(3, '5')], MANUFACTURER),
    );
    expect(outcomes.map(brief)).toEqual(['2 WRONG_CELL_COUNT', '3 valid 5']);
  });

  it('streams a 200,000-row file through with bounded buffering', async () => {
    const total = 200_000;
    const rowsPerChunk = 1_000;
    let produced = 0;
    async function* upload(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(`${HEADER}\r\n`);
      while (produced < total) {
        const lines: string[] = [];
        for (let i = 0; i < rowsPerChunk && produced < total; i += 1) {
          produced += 1;
          // Every 10,000th row repeats an earlier Identifier; every 1,000th has an impossible date.
          const identifier = produced % 10_000 === 0 ? produced - 1 : produced;
          const cells = produced % 1_000 === 1 ? { 7: '30/02/2026' } : { 9: `"fix, for ""${produced}"""` };
          lines.push(manufacturerRow(identifier, cells));
        }
        yield Buffer.from(`${lines.join('\r\n')}\r\n`);
      }
    }

    const { decoder, outcomes } = validateCsvBytes(upload(), MANUFACTURER);
    let consumed = 0;
    let valid = 0;
    let maxLag = 0;
    const rejectedCodes = new Map<string, number>();
    for await (const outcome of outcomes) {
      consumed += 1;
      maxLag = Math.max(maxLag, produced - consumed);
      if (outcome.kind === 'valid') valid += 1;
      else for (const error of outcome.errors) rejectedCodes.set(error.code, (rejectedCodes.get(error.code) ?? 0) + 1);
    }

    expect(consumed).toBe(total);
    expect(valid).toBe(total - 200 - 20);
    expect(Object.fromEntries(rejectedCodes)).toEqual({ INVALID_DATE: 200, DUPLICATE_IN_FILE: 20 });
    expect(decoder.encoding).toBe('utf-8');
    // The upload is read only as fast as rows are validated: never more than a couple of chunks ahead.
    expect(maxLag).toBeLessThanOrEqual(2 * rowsPerChunk);
  });
});
