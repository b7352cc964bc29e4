import { Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { DataSource } from 'typeorm';
import { BulkCorrectionView, JobStatus } from './bulk-corrections.dto';
import { RESULTS_HEADER, resultsLine } from './correction-file';

export interface JobRow {
  job_id: string;
  /** As the job's events say (bulk-correction.projection.ts); `receiving` while there are none yet. */
  status: 'receiving' | 'accepted' | 'completed' | 'failed';
  sender_user_id: string;
  sender_party_id: string;
  sender_party_type: string;
  sender_roles: string[];
  correlation_id: string;
  file_name: string | null;
  file_bytes: string;
  file_hash: string | null;
  total_rows: number;
  processed_rows: number;
  counts: Record<string, number>;
  repeated: number;
  failure: string | null;
  accepted_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESULT_PAGE = 5000;

/**
 * The read side of bulk corrections. A supplier sees only the jobs its own party uploaded, DCC every job; a job
 * the caller may not see answers 404, like one that does not exist. A job still receiving its file is nobody's yet.
 */
@Injectable()
export class BulkCorrectionsQueries {
  constructor(private readonly dataSource: DataSource) {}

  async get(jobId: string, actor: Actor): Promise<BulkCorrectionView> {
    return toView(await this.visibleJob(jobId, actor));
  }

  async list(actor: Actor): Promise<BulkCorrectionView[]> {
    const rows: JobRow[] = await this.dataSource.query(
      `SELECT * FROM bulk_corrections WHERE status <> 'receiving' AND ($1::text IS NULL OR sender_party_id = $1)
       ORDER BY received_at DESC, job_id LIMIT 100`,
      [actor.partyType === 'dcc' ? null : actor.partyId],
    );
    return rows.map(toView);
  }

  /**
   * The results file, read from the database a page at a time as the client takes it: rows answered so far,
   * in file order (all of them once the job has completed).
   */
  async results(jobId: string, actor: Actor): Promise<AsyncGenerator<string>> {
    const job = await this.visibleJob(jobId, actor);
    return this.resultLines(job.job_id);
  }

  private async *resultLines(jobId: string): AsyncGenerator<string> {
    yield resultsLine(RESULTS_HEADER);
    let after = 0;
    for (;;) {
      const rows: Array<{ row_no: number; device_id: string; esme_variant: string; response_code: string; message: string }> = await this.dataSource.query(
        `SELECT row_no, device_id, esme_variant, response_code, message FROM bulk_correction_rows
         WHERE job_id = $1 AND row_no > $2 ORDER BY row_no LIMIT $3`,
        [jobId, after, RESULT_PAGE],
      );
      if (rows.length === 0) return;
      // One string per page: a few hundred KB handed to the socket at once rather than thousands of tiny writes.
      yield rows.map((r) => resultsLine([r.row_no, r.device_id, r.esme_variant, r.response_code, r.message])).join('');
      after = rows[rows.length - 1].row_no;
      if (rows.length < RESULT_PAGE) return;
    }
  }

  private async visibleJob(jobId: string, actor: Actor): Promise<JobRow> {
    const rows: JobRow[] = UUID.test(jobId) ? await this.dataSource.query(`SELECT * FROM bulk_corrections WHERE job_id = $1 AND status <> 'receiving'`, [jobId]) : [];
    const job = rows[0];
    if (!job || (actor.partyType !== 'dcc' && job.sender_party_id !== actor.partyId)) {
      throw new DomainError('BULK_CORRECTION_NOT_FOUND', `bulk correction ${jobId} does not exist (or is not visible to the caller)`, { jobId });
    }
    return job;
  }
}

export function toView(row: JobRow): BulkCorrectionView {
  const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());
  return {
    jobId: row.job_id,
    status: statusOf(row),
    fileName: row.file_name,
    fileHash: row.file_hash ?? '',
    fileBytes: Number(row.file_bytes),
    sender: { userId: row.sender_user_id, partyId: row.sender_party_id },
    totalRows: row.total_rows,
    processedRows: row.processed_rows,
    counts: row.counts,
    repeated: row.repeated,
    acceptedAt: iso(row.accepted_at) ?? '',
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    ...(row.failure ? { failure: row.failure } : {}),
    results: `/bulk-corrections/${row.job_id}/results`,
  };
}

/** An accepted job is `queued` until its first batch has been answered, then `running`. */
function statusOf(row: JobRow): JobStatus {
  if (row.status === 'completed' || row.status === 'failed') return row.status;
  return row.started_at === null ? 'queued' : 'running';
}
