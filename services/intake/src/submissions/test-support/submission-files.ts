// Helpers for the submission tests: fixture bytes, CSV text building, chunking and draining async iterables.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUBMISSION_COLUMNS, SubmissionColumn } from '@smi/contracts';
import { SubmissionTextDecoder, decodeSubmissionStream } from '../decode/decode-submission';
import { ParseOptions, parseSubmissionRows } from '../parse/parse-submission-rows';
import { SubmissionFileError } from '../submission-errors';
import { SubmissionOutcome, validateSubmission } from '../validate/validate-submission';
import { ValidationContext } from '../validate/validate-row';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures');

/** Bytes of a sample file kept in services/intake/test/fixtures (the tests read only files inside the repository). */
export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export const HEADER = SUBMISSION_COLUMNS.join(',');

/** The cells of a valid manufacturer row, by column: they validate to SAMPLE_ITEM (item-content/test-support). */
export const MANUFACTURER_CELLS: Readonly<Record<SubmissionColumn, string>> = {
  Identifier: '1001',
  Make: 'Northwind Metering',
  Model: 'NW-E470',
  'Firmware Version': '0002012F',
  'Device Type': 'ESME',
  Source: 'Device Manufacturer',
  'Status of Information': 'Defect',
  'Date last Updated': '2026-03-14',
  'Fix Available': 'Yes',
  'Fix Information': 'Upgrade to 00020130',
};

/** MANUFACTURER_CELLS as a CSV line with another identifier; override cells by column position with `cells`. */
export function manufacturerRow(identifier: string | number, cells: Partial<Record<number, string>> = {}): string {
  const values = SUBMISSION_COLUMNS.map((column) => MANUFACTURER_CELLS[column]);
  values[0] = String(identifier);
  for (const [position, value] of Object.entries(cells)) values[Number(position)] = value ?? '';
  return values.join(',');
}

export function csv(lines: readonly string[], lineEnd = '\n'): string {
  return lines.join(lineEnd) + lineEnd;
}

export function* chunksOf(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

export async function collect<T>(items: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Runs an iterable to its end and returns the SubmissionFileError it ended with (fails if none). */
export async function fileError(items: AsyncIterable<unknown>): Promise<SubmissionFileError> {
  try {
    for await (const _ of items) {
      // drained only for the error at the end
    }
  } catch (error) {
    if (error instanceof SubmissionFileError) return error;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

export const TODAY = '2026-11-25';

export const MANUFACTURER: ValidationContext = {
  submitterSource: 'Device Manufacturer',
  today: TODAY,
  allowedMakes: ['Northwind Metering'],
};

export const CSP: ValidationContext = { submitterSource: 'CSP', today: TODAY };

/** The whole CSV pipeline, bytes to outcomes, as the intake service will run it. */
export function validateCsvBytes(
  bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  context: ValidationContext,
  options: ParseOptions = {},
): { decoder: SubmissionTextDecoder; outcomes: AsyncGenerator<SubmissionOutcome> } {
  const decoder = new SubmissionTextDecoder();
  const source = bytes instanceof Uint8Array ? [bytes] : bytes;
  const outcomes = validateSubmission(parseSubmissionRows(decodeSubmissionStream(source, decoder), options), context);
  return { decoder, outcomes };
}
