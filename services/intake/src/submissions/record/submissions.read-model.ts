import { SubmissionRecordedData } from '@smi/contracts';
import type { Queryable } from '../../items/items.read-model';
import type { RowRejectionCode } from '../submission-errors';
import { RejectionEntry, RejectionPage, SubmissionReport } from './submission-report';

export interface NumberedRejection extends RejectionEntry {
  /** 1, 2, … in row order across the whole submission: the rejections' paging key. */
  readonly ordinal: number;
}

export async function insertRejections(db: Queryable, submissionId: string, rejections: readonly NumberedRejection[]): Promise<void> {
  if (rejections.length === 0) return;
  const rows = JSON.stringify(rejections.map((r) => ({ ordinal: r.ordinal, source_row: r.row, column_name: r.column, code: r.code, reason: r.reason })));
  await db.query(
    `INSERT INTO submission_rejections (submission_id, ordinal, source_row, column_name, code, reason)
     SELECT $1::uuid, r.ordinal, r.source_row, r.column_name, r.code, r.reason
     FROM json_to_recordset($2::json) AS r(ordinal int, source_row int, column_name text, code text, reason text)`,
    [submissionId, rows],
  );
}

/** Inline projection of SubmissionRecorded: the upload history row. */
export async function projectSubmission(
  db: Queryable,
  data: SubmissionRecordedData,
  submittedBy: string,
  correlationId: string,
  recordedAt: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO submissions (submission_id, provider_party_id, provider_party_type, submitted_by, file_name, format, encoding,
       byte_count, row_count, accepted, unchanged, revised, rejected, possible_duplicates, rejection_count, received_at,
       recorded_at, correlation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
    [
      data.submissionId,
      data.providerPartyId,
      data.providerPartyType,
      submittedBy,
      data.fileName,
      data.format,
      data.encoding,
      data.byteCount,
      data.rows,
      data.counts.accepted,
      data.counts.unchanged,
      data.counts.revised,
      data.counts.rejected,
      data.possibleDuplicates,
      data.rejectionCount,
      data.receivedAt,
      recordedAt,
      correlationId,
    ],
  );
}

interface SubmissionRow {
  submission_id: string;
  provider_party_id: string;
  provider_party_type: SubmissionReport['providerPartyType'];
  submitted_by: string;
  file_name: string | null;
  format: SubmissionReport['format'];
  encoding: SubmissionReport['encoding'];
  byte_count: string;
  row_count: number;
  accepted: number;
  unchanged: number;
  revised: number;
  rejected: number;
  possible_duplicates: number;
  rejection_count: number;
  received_at: Date;
  recorded_at: Date;
}

interface RejectionRow {
  ordinal: number;
  source_row: number;
  column_name: string;
  code: RowRejectionCode;
  reason: string;
}

export interface SubmissionSummary extends Omit<SubmissionReport, 'rejections' | 'nextCursor' | 'dryRun'> {
  readonly recordedAt: string;
}

function toSummary(row: SubmissionRow): SubmissionSummary {
  return {
    submissionId: row.submission_id,
    provider: row.provider_party_id,
    providerPartyType: row.provider_party_type,
    submittedBy: row.submitted_by,
    fileName: row.file_name,
    format: row.format,
    encoding: row.encoding,
    byteCount: Number(row.byte_count),
    rows: row.row_count,
    counts: { accepted: row.accepted, unchanged: row.unchanged, revised: row.revised, rejected: row.rejected },
    possibleDuplicates: row.possible_duplicates,
    rejectionsTotal: row.rejection_count,
    receivedAt: row.received_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
  };
}

export async function findSubmission(db: Queryable, submissionId: string): Promise<SubmissionSummary | undefined> {
  const rows: SubmissionRow[] = await db.query(`SELECT * FROM submissions WHERE submission_id = $1::uuid`, [submissionId]);
  return rows[0] === undefined ? undefined : toSummary(rows[0]);
}

/** Rejections after `afterOrdinal`, in row order; `nextCursor` is set when more follow. */
export async function rejectionsPage(db: Queryable, submissionId: string, afterOrdinal: number, limit: number): Promise<RejectionPage> {
  const rows: RejectionRow[] = await db.query(
    `SELECT ordinal, source_row, column_name, code, reason FROM submission_rejections
     WHERE submission_id = $1::uuid AND ordinal > $2 ORDER BY ordinal LIMIT $3`,
    [submissionId, afterOrdinal, limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    submissionId,
    rejections: page.map((row) => ({ row: row.source_row, column: row.column_name, code: row.code, reason: row.reason })),
    nextCursor: rows.length > limit ? String(page[page.length - 1].ordinal) : null,
  };
}

export interface HistoryCursor {
  readonly receivedAt: string;
  readonly submissionId: string;
}

/** Upload history, newest first, keyset-paged; `provider` undefined lists every provider's (DCC). */
export async function listSubmissions(
  db: Queryable,
  provider: string | undefined,
  after: HistoryCursor | undefined,
  limit: number,
): Promise<{ submissions: SubmissionSummary[]; next: HistoryCursor | undefined }> {
  const rows: SubmissionRow[] = await db.query(
    `SELECT * FROM submissions
     WHERE ($1::text IS NULL OR provider_party_id = $1)
       AND ($2::timestamptz IS NULL OR (received_at, submission_id) < ($2::timestamptz, $3::uuid))
     ORDER BY received_at DESC, submission_id DESC
     LIMIT $4`,
    [provider ?? null, after?.receivedAt ?? null, after?.submissionId ?? null, limit + 1],
  );
  const page = rows.slice(0, limit).map(toSummary);
  const last = page[page.length - 1];
  return {
    submissions: page,
    next: rows.length > limit && last ? { receivedAt: last.receivedAt, submissionId: last.submissionId } : undefined,
  };
}
