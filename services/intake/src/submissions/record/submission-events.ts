import { SubmissionRecordedData } from '@smi/contracts';
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
