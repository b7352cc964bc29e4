import { DomainError } from '@smi/decider';
import { SubmissionFileError, SubmissionFileErrorCode, SubmissionFileErrorDetails } from '../submission-errors';
import type { SubmissionRequest } from '../record/submission-recorder';
import type { SubmissionFormat, SubmissionReport } from '../record/submission-report';
import type { ValidationContext } from '../validate/validate-row';

/** What a submission worker thread is started with. */
export interface SubmissionWorkerData {
  readonly databaseUrl: string;
  readonly sourceService: string;
  readonly chunkRows?: number;
}

export type ToWorker =
  | { readonly type: 'start'; readonly jobId: number; readonly request: SubmissionRequest; readonly context: ValidationContext; readonly format: SubmissionFormat }
  | { readonly type: 'chunk'; readonly jobId: number; readonly bytes: Uint8Array }
  | { readonly type: 'end'; readonly jobId: number }
  /** The upload failed on the main thread (too large, stalled, disconnected): roll back and report `aborted`. */
  | { readonly type: 'abort'; readonly jobId: number };

export type FromWorker =
  /** Asks for the next chunk of the upload: the worker reads only as fast as it records. */
  | { readonly type: 'pull'; readonly jobId: number }
  | { readonly type: 'done'; readonly jobId: number; readonly report: SubmissionReport }
  | { readonly type: 'failed'; readonly jobId: number; readonly error: SerializedError };

export type SerializedError =
  | { readonly kind: 'file'; readonly code: SubmissionFileErrorCode; readonly message: string; readonly details: SubmissionFileErrorDetails }
  | { readonly kind: 'domain'; readonly code: string; readonly message: string; readonly details: Record<string, unknown> }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'other'; readonly name: string; readonly message: string; readonly stack?: string };

/** Raised inside the worker when the main thread abandons an upload. */
export class UploadAbandoned extends Error {
  override readonly name = 'UploadAbandoned';
}

/** Errors cross the thread boundary as data; these keep what the HTTP answer needs. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof SubmissionFileError) {
    const { row, line, column, byteOffset, problems, problemsTotal } = error;
    return { kind: 'file', code: error.code, message: error.message, details: { row, line, column, byteOffset, problems, problemsTotal } };
  }
  if (error instanceof UploadAbandoned) return { kind: 'aborted' };
  if (error instanceof DomainError) return { kind: 'domain', code: error.code, message: error.message, details: error.details };
  const failure = error instanceof Error ? error : new Error(String(error));
  return { kind: 'other', name: failure.name, message: failure.message, stack: failure.stack };
}

export function deserializeError(error: SerializedError): Error {
  switch (error.kind) {
    case 'file':
      return new SubmissionFileError(error.code, error.message, error.details);
    case 'domain':
      return new DomainError(error.code, error.message, error.details);
    case 'aborted':
      return new UploadAbandoned('the upload was abandoned');
    case 'other': {
      const failure = new Error(`submission worker: ${error.message}`);
      failure.stack = `${failure.message}\n--- in the worker ---\n${error.stack ?? ''}`;
      return failure;
    }
  }
}
