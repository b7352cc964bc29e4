import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { handleCommand, PostgresEventStore } from '@smi/event-store';
import { EVENT_STORE, SERVICE_SETTINGS } from '@smi/service-runtime';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { parseDccUserId, PartyType, Sender } from '../device-aggregate';
import { InventorySettings } from '../settings';
import { bulkCorrectionStreamId } from './bulk-correction-events';
import { AcceptBulkCorrection, bulkCorrectionDecider } from './bulk-correction.decider';
import { projectBulkCorrection } from './bulk-correction.projection';
import { BulkCorrectionView } from './bulk-corrections.dto';
import { JobRow, toView } from './bulk-corrections.queries';
import { CorrectionFileProblem, readCorrectionRows } from './correction-file';
import { CorrectionUpload } from './correction-upload';

/** Whatever runs the jobs (the thread in the service, a worker in tests), told when a job is queued. */
export const BULK_CORRECTION_WAKER = Symbol('BULK_CORRECTION_WAKER');

/** The file is stored in pieces of this size: one insert per MiB, never the whole file in memory. */
export const FILE_CHUNK_BYTES = 1024 * 1024;

/**
 * Takes a correction file in: streams it once, storing it as received while reading it as a correction file,
 * and only when the whole file has been read and found to be one accepts the job (bulkCorrectionDecider: it
 * records BulkCorrectionAccepted) and queues it in the same transaction. A file that is not (not CSV, no header,
 * wrong header, no rows, too large) leaves nothing behind.
 *
 * The upload is not one transaction: the file arrives at the client's pace, and an open writing transaction
 * would hold back every reader of the event store (the relay reads only below the oldest transaction in flight).
 * Its pieces are written as they come, under a job in status `receiving` that nobody can see or run; a refused
 * upload deletes them, and the worker removes what a crash mid-upload left.
 */
@Injectable()
export class BulkCorrectionsHandler {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(BULK_CORRECTION_WAKER) private readonly worker: { wake(): void },
    @Inject(SERVICE_SETTINGS) private readonly settings: Pick<InventorySettings, 'INVENTORY_BULK_LANES'>,
  ) {}

  async accept(upload: CorrectionUpload, actor: Actor, correlationId: string): Promise<BulkCorrectionView> {
    const sender = senderOf(actor);
    const jobId = randomUUID();
    await this.dataSource.query(
      `INSERT INTO bulk_corrections (job_id, status, sender_user_id, sender_party_id, sender_party_type, sender_roles, correlation_id, file_name)
       VALUES ($1, 'receiving', $2, $3, $4, $5::jsonb, $6, $7)`,
      [jobId, sender.userId, sender.partyId, sender.partyType, JSON.stringify(sender.roles), correlationId, upload.fileName],
    );
    let job: JobRow | undefined;
    try {
      const { fileHash, fileBytes, rows } = await this.receive(jobId, upload);
      if (rows === 0) throw new CorrectionFileProblem('NO_ROWS', 'the file has a header but no rows to correct');
      // Fixed for the job's life: which lane a row is in must not change when the setting does.
      const lanes = Math.min(this.settings.INVENTORY_BULK_LANES, rows);
      const command: AcceptBulkCorrection = { type: 'AcceptBulkCorrection', jobId, fileName: upload.fileName, fileHash, fileBytes, rows, sender, at: new Date().toISOString() };
      await handleCommand(this.dataSource, {
        store: this.store,
        streamId: bulkCorrectionStreamId(jobId),
        decider: bulkCorrectionDecider,
        command,
        metadata: { correlationId, actor: { ...sender, roles: [...sender.roles] } },
        project: async (manager, recorded) => {
          await projectBulkCorrection(manager, recorded);
          // The job's queue: its lanes, each where it has got to.
          await manager.query(`UPDATE bulk_corrections SET lanes = $2 WHERE job_id = $1`, [jobId, lanes]);
          await manager.query(`INSERT INTO bulk_correction_lanes (job_id, lane) SELECT $1, generate_series(0, $2 - 1)`, [jobId, lanes]);
          [job] = await manager.query(`SELECT * FROM bulk_corrections WHERE job_id = $1`, [jobId]);
        },
      });
    } catch (error) {
      // Nothing was accepted (the acceptance's transaction rolled back with it): the stored pieces go too.
      await this.dataSource.query(`DELETE FROM bulk_corrections WHERE job_id = $1`, [jobId]);
      throw error;
    }
    this.worker.wake();
    return toView(job!);
  }

  /** Stores the file's bytes as they arrive and reads them as a correction file at the same time. */
  private async receive(jobId: string, upload: CorrectionUpload): Promise<{ fileHash: string; fileBytes: number; rows: number }> {
    const hash = createHash('sha256');
    let fileBytes = 0;
    let chunk = 0;
    const store = async (bytes: Buffer) => {
      await this.dataSource.query(
        `WITH piece AS (INSERT INTO bulk_correction_files (job_id, chunk, bytes) VALUES ($1, $2, $3))
         UPDATE bulk_corrections SET updated_at = now() WHERE job_id = $1`,
        [jobId, chunk++, bytes],
      );
    };
    async function* stored(): AsyncGenerator<Buffer> {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      for await (const bytes of upload.bytes) {
        // A spreadsheet saved as .xlsx, a PDF, an image: binary files hold NUL bytes, CSV text never does.
        if (bytes.includes(0)) throw new CorrectionFileProblem('NOT_CSV', 'the file is binary, not CSV text: export the sheet as CSV (comma-separated)');
        hash.update(bytes);
        fileBytes += bytes.length;
        pending.push(bytes);
        pendingBytes += bytes.length;
        if (pendingBytes >= FILE_CHUNK_BYTES) {
          await store(Buffer.concat(pending));
          pending = [];
          pendingBytes = 0;
        }
        yield bytes;
      }
      if (pendingBytes > 0) await store(Buffer.concat(pending));
    }
    let rows = 0;
    for await (const _row of readCorrectionRows(stored())) rows++;
    return { fileHash: hash.digest('hex'), fileBytes, rows };
  }
}

/** The sender of every row's SR8.4: the uploading user, whose DCC User ID originates the RequestIDs. */
function senderOf(actor: Actor): Sender {
  const userId = parseDccUserId(actor.userId);
  if (userId === undefined) {
    throw new DomainError(
      'FORBIDDEN_NOT_A_DCC_USER',
      `bulk corrections are sent as SR8.4 Service Requests, whose RequestIDs originate from the sender's DCC User ID; the token's sub ${actor.userId} is not an EUI-64`,
    );
  }
  return { userId, partyId: actor.partyId, partyType: actor.partyType as PartyType, roles: [...actor.roles] };
}
