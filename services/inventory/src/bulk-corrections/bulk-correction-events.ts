import { Sender } from '../device-aggregate';

/*
 * A bulk correction job's own stream, `bulk-correction-<job id>`: the job is accepted (the file and who sent
 * it), then completed with the counts of its answers, or failed, once (the rules: bulk-correction.decider.ts). Each row's effect is recorded where every
 * SR8.4's is, on the device's stream and the Service Request's stream.
 */

/** Response codes of a row: the SR8.4 answer, or MALFORMED for a row that is not a correction. */
export type RowCounts = Record<string, number>;

/** What a job is accepted with, in the command and in the event: its id, the file and who sent it. */
export interface BulkCorrectionJobDetails {
  jobId: string;
  fileName: string | null;
  /** SHA-256 of the file's bytes, hex: the seed of every row's RequestID. */
  fileHash: string;
  fileBytes: number;
  rows: number;
  sender: Sender;
}

export interface BulkCorrectionAccepted extends BulkCorrectionJobDetails {
  type: 'BulkCorrectionAccepted';
  acceptedAt: string;
}

export interface BulkCorrectionCompleted {
  type: 'BulkCorrectionCompleted';
  jobId: string;
  rows: number;
  counts: RowCounts;
  /** Rows whose RequestID had been answered before (e.g. the same file uploaded again): nothing new recorded. */
  repeated: number;
  startedAt: string;
  finishedAt: string;
}

export interface BulkCorrectionFailed {
  type: 'BulkCorrectionFailed';
  jobId: string;
  processedRows: number;
  reason: string;
  failedAt: string;
}

export type BulkCorrectionEvent = BulkCorrectionAccepted | BulkCorrectionCompleted | BulkCorrectionFailed;

export function bulkCorrectionStreamId(jobId: string): string {
  return `bulk-correction-${jobId}`;
}
