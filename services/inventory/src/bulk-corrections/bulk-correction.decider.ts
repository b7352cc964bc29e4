import { Decider, DomainError } from '@smi/decider';
import { BulkCorrectionCompleted, BulkCorrectionEvent, BulkCorrectionJobDetails, RowCounts } from './bulk-correction-events';

/*
 * A bulk correction job as an aggregate, on its own stream `bulk-correction-<job id>`: accepted once, then ended
 * once, by completing (every accepted row answered) or failing. Its rows' own effects are not here: each row is an
 * SR8.4 decided on the device's stream by DeviceWriter. The job's progress between acceptance and its end (rows
 * answered so far, by lane) is working state of the job's tables, not events; each batch of answers is still put
 * to this decider, so a batch of a job that has ended is refused and its answers are not recorded.
 */

/** The whole file has been read and is a correction file of `rows` rows: the job exists from here on. */
export interface AcceptBulkCorrection extends BulkCorrectionJobDetails {
  type: 'AcceptBulkCorrection';
  at: string;
}

/** A batch of one lane has been answered; the totals are the job's after the batch (all lanes together). */
export interface RecordBulkCorrectionBatch {
  type: 'RecordBulkCorrectionBatch';
  jobId: string;
  processedRows: number;
  counts: RowCounts;
  repeated: number;
  /** When the job's first batch was answered. */
  startedAt: string;
  at: string;
}

/** The job cannot go on (its stored file no longer reads as accepted, or it keeps failing). */
export interface FailBulkCorrection {
  type: 'FailBulkCorrection';
  jobId: string;
  processedRows: number;
  reason: string;
  at: string;
}

export type BulkCorrectionCommand = AcceptBulkCorrection | RecordBulkCorrectionBatch | FailBulkCorrection;

export type BulkCorrectionState =
  | { status: 'none' }
  | { status: 'accepted'; rows: number }
  | { status: 'completed'; rows: number }
  | { status: 'failed'; rows: number };

/** The refusals of a job that has ended: whoever still works on it (a stale or duplicated worker) stops. */
export const BULK_CORRECTION_ENDED = ['BULK_CORRECTION_COMPLETED', 'BULK_CORRECTION_FAILED'] as const;

export function isEndedJobRefusal(error: unknown): boolean {
  return error instanceof DomainError && (BULK_CORRECTION_ENDED as readonly string[]).includes(error.code);
}

/**
 * A job records only while it is accepted: before that it does not exist, and once it has ended (completed or failed)
 * it records nothing more, so it completes at most once and never after failing.
 */
function acceptedRows(command: RecordBulkCorrectionBatch | FailBulkCorrection, state: BulkCorrectionState): number {
  switch (state.status) {
    case 'none':
      throw new DomainError('BULK_CORRECTION_NOT_FOUND', `bulk correction ${command.jobId} has not been accepted`, { jobId: command.jobId });
    case 'completed':
      throw new DomainError('BULK_CORRECTION_COMPLETED', `bulk correction ${command.jobId} has completed: it records nothing more`, { jobId: command.jobId });
    case 'failed':
      throw new DomainError('BULK_CORRECTION_FAILED', `bulk correction ${command.jobId} has failed: it records nothing more`, { jobId: command.jobId });
    case 'accepted':
      return state.rows;
  }
}

export const bulkCorrectionDecider: Decider<BulkCorrectionCommand, BulkCorrectionState, BulkCorrectionEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'BulkCorrectionAccepted':
        return { status: 'accepted', rows: event.rows };
      case 'BulkCorrectionCompleted':
        return { status: 'completed', rows: event.rows };
      case 'BulkCorrectionFailed':
        return { status: 'failed', rows: state.status === 'none' ? 0 : state.rows };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'AcceptBulkCorrection': {
        if (state.status !== 'none') throw new DomainError('BULK_CORRECTION_EXISTS', `bulk correction ${command.jobId} has been accepted already`, { jobId: command.jobId });
        const { jobId, fileName, fileHash, fileBytes, rows, sender, at } = command;
        return [{ type: 'BulkCorrectionAccepted', jobId, fileName, fileHash, fileBytes, rows, sender, acceptedAt: at }];
      }
      case 'RecordBulkCorrectionBatch': {
        const rows = acceptedRows(command, state);
        if (command.processedRows > rows) {
          throw new DomainError('BULK_CORRECTION_OVERRUN', `bulk correction ${command.jobId} has ${rows} rows, yet ${command.processedRows} were answered`, {
            jobId: command.jobId,
          });
        }
        // Progress alone is no event; the batch that answers the last accepted row completes the job.
        if (command.processedRows < rows) return [];
        const completed: BulkCorrectionCompleted = {
          type: 'BulkCorrectionCompleted',
          jobId: command.jobId,
          rows,
          counts: command.counts,
          repeated: command.repeated,
          startedAt: command.startedAt,
          finishedAt: command.at,
        };
        return [completed];
      }
      case 'FailBulkCorrection': {
        acceptedRows(command, state);
        return [{ type: 'BulkCorrectionFailed', jobId: command.jobId, processedRows: command.processedRows, reason: command.reason, failedAt: command.at }];
      }
    }
  },
};
