// Reading and validating submission files: pure, streaming, no framework. A typical CSV pipeline is
// validateSubmission(parseSubmissionRows(decodeSubmissionStream(bytes, decoder)), context).
export type { DecodedSubmission, DecoderOptions, DetectedEncoding } from './decode-submission';
export { SubmissionTextDecoder, decodeSubmission, decodeSubmissionStream } from './decode-submission';
export type { ParseOptions } from './parse-submission-rows';
export { DEFAULT_MAX_FIELD_LENGTH, parseSubmissionRows } from './parse-submission-rows';
export type { XlsxSource } from './parse-xlsx-rows';
export { cellText, parseXlsxRows } from './parse-xlsx-rows';
export type { FileProblem, RowRejection, RowRejectionCode, SubmissionFileErrorCode } from './submission-errors';
export { SubmissionFileError, WHOLE_ROW } from './submission-errors';
export type { ColumnLayout, SubmissionRow } from './submission-row';
export { resolveHeader, suggestColumn } from './submission-row';
export type { ItemField, SubmittedItem } from './submitted-item';
export { ITEM_FIELDS, contentHash, diffItems } from './submitted-item';
export type { RowValidation, ValidationContext } from './validate-row';
export { canonicalIdentifier, validateRow } from './validate-row';
export type { SubmissionOutcome } from './validate-submission';
export { validateSubmission } from './validate-submission';
