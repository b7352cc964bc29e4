import { RecordedEvent, toDomainEvent } from '@smi/event-store';
import { EntityManager } from 'typeorm';
import { BulkCorrectionEvent } from './bulk-correction-events';

/**
 * The `bulk_corrections` row of a job follows the job's events, in the transaction that records them: its
 * `status` is `accepted`, `completed` or `failed` as the stream says (`receiving` only while the upload is being
 * read, before there is a stream at all), and a completed job's totals are those of its BulkCorrectionCompleted.
 * The running counts in between are the job's working state, added by each batch.
 */
export async function projectBulkCorrection(manager: EntityManager, recorded: RecordedEvent[]): Promise<void> {
  for (const event of recorded.map((r) => toDomainEvent<BulkCorrectionEvent>(r))) {
    switch (event.type) {
      case 'BulkCorrectionAccepted':
        await manager.query(
          `UPDATE bulk_corrections SET status = 'accepted', file_hash = $2, file_bytes = $3, total_rows = $4, accepted_at = $5, updated_at = now()
           WHERE job_id = $1`,
          [event.jobId, event.fileHash, event.fileBytes, event.rows, event.acceptedAt],
        );
        break;
      case 'BulkCorrectionCompleted':
        await manager.query(
          `UPDATE bulk_corrections SET status = 'completed', processed_rows = $2, counts = $3::jsonb, repeated = $4, started_at = $5, finished_at = $6, updated_at = now()
           WHERE job_id = $1`,
          [event.jobId, event.rows, JSON.stringify(event.counts), event.repeated, event.startedAt, event.finishedAt],
        );
        break;
      case 'BulkCorrectionFailed':
        await manager.query(`UPDATE bulk_corrections SET status = 'failed', failure = $2, finished_at = $3, updated_at = now() WHERE job_id = $1`, [
          event.jobId,
          event.reason,
          event.failedAt,
        ]);
        break;
    }
  }
}
