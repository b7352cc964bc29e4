import { SubmissionTextDecoder, decodeSubmissionStream } from './decode/decode-submission';
import { parseSubmissionRows } from './parse/parse-submission-rows';
import { parseXlsxRows } from './parse/parse-xlsx-rows';
import type { ReadSubmission } from './record/submission-recorder';
import type { Upload } from './upload/submission-upload';
import type { ValidationContext } from './validate/validate-row';
import { validateSubmission } from './validate/validate-submission';

/** The bytes → text → rows → outcomes pipeline for an upload, lazily: nothing is read until outcomes are. */
export function readUpload(upload: Pick<Upload, 'format' | 'bytes' | 'byteCount'>, context: ValidationContext): ReadSubmission {
  if (upload.format === 'xlsx') {
    return { outcomes: validateSubmission(parseXlsxRows(upload.bytes), context), encoding: () => null, byteCount: () => upload.byteCount() };
  }
  const decoder = new SubmissionTextDecoder();
  return {
    outcomes: validateSubmission(parseSubmissionRows(decodeSubmissionStream(upload.bytes, decoder)), context),
    encoding: () => decoder.encoding ?? 'utf-8',
    byteCount: () => upload.byteCount(),
  };
}
