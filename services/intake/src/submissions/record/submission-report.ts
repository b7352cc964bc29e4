import { SubmissionCounts, SubmittingPartyType } from '@smi/contracts';
import type { DetectedEncoding } from '../decode/decode-submission';
import type { RowRejection } from '../submission-errors';

/** The kind of file a submission came in, told by its media type (see upload/submission-upload.ts). */
export type SubmissionFormat = 'csv' | 'xlsx';

/** One problem of a rejected row; a row with several problems has several entries. */
export type RejectionEntry = RowRejection;

/** The validation report of one upload: what POST /submissions answers and GET /submissions/{id} returns. */
export interface SubmissionReport {
  readonly submissionId: string;
  /** A dry run validated the file and recorded nothing; its submissionId is not kept. */
  readonly dryRun: boolean;
  /** Party id of the manufacturer or CSP the file is from. */
  readonly provider: string;
  readonly providerPartyType: SubmittingPartyType;
  /** User (token `sub`) who uploaded it. */
  readonly submittedBy: string;
  readonly fileName: string | null;
  readonly format: SubmissionFormat;
  /** Detected text encoding of a CSV file; null for .xlsx. */
  readonly encoding: DetectedEncoding | null;
  readonly byteCount: number;
  /** Data rows read: header and blank rows are not counted. */
  readonly rows: number;
  /** accepted: new items; unchanged: held with the same content; revised: held items changed; rejected: rows. */
  readonly counts: SubmissionCounts;
  /** Items flagged as possibly duplicating other providers' items. */
  readonly possibleDuplicates: number;
  readonly receivedAt: string;
  /** The first problems of rejected rows, in row order (see rejectionsTotal and nextCursor for the rest). */
  readonly rejections: readonly RejectionEntry[];
  readonly rejectionsTotal: number;
  /** Cursor for GET /submissions/{id}/rejections when more problems exist than are listed; null otherwise. */
  readonly nextCursor: string | null;
}

/** Keyset page of a recorded submission's rejections. */
export interface RejectionPage {
  readonly submissionId: string;
  readonly rejections: readonly RejectionEntry[];
  readonly nextCursor: string | null;
}

/** How many rejections a report lists inline; the rest are paged. */
export const REPORT_REJECTIONS_LIMIT = 1000;
