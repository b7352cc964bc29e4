import { SubmissionRecordedData } from '@smi/contracts';
import { Decider, DomainError } from '@smi/decider';
import { SubmissionReport } from './submission-report';

export type SubmissionRecorded = { type: 'SubmissionRecorded' } & SubmissionRecordedData;

export const submissionStreamId = (submissionId: string): string => `submission-${submissionId}`;

/** The event that closes a recorded upload, from its finished report. */
export function submissionRecorded(report: SubmissionReport): SubmissionRecorded {
  return {
    type: 'SubmissionRecorded',
    submissionId: report.submissionId,
    providerPartyId: report.provider,
    providerPartyType: report.providerPartyType,
    fileName: report.fileName,
    format: report.format,
    encoding: report.encoding,
    byteCount: report.byteCount,
    rows: report.rows,
    counts: { ...report.counts },
    possibleDuplicates: report.possibleDuplicates,
    rejectionCount: report.rejectionsTotal,
    receivedAt: report.receivedAt,
  };
}

/** Closes a submission with its finished report. */
export interface RecordSubmission {
  readonly type: 'RecordSubmission';
  readonly report: SubmissionReport;
}

export interface SubmissionState {
  readonly recorded: boolean;
}

/** A submission is recorded once, when its file has been read to the end. */
export const submissionDecider: Decider<RecordSubmission, SubmissionState, SubmissionRecorded> = {
  initialState: () => ({ recorded: false }),
  evolve: () => ({ recorded: true }),
  decide(command, state) {
    if (state.recorded) {
      throw new DomainError('SUBMISSION_ALREADY_RECORDED', `submission ${command.report.submissionId} is recorded already`, { submissionId: command.report.submissionId });
    }
    return [submissionRecorded(command.report)];
  },
};
