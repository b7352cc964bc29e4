import { handleCommand, PostgresEventStore, RecordedEvent } from '@smi/event-store';
import type { Logger } from '@smi/telemetry';
import { DataSource, EntityManager } from 'typeorm';
import { PartyType, Sender } from '../device-aggregate';
import { DeviceWork, DeviceWriter } from '../device-writer/device-writer';
import { InventorySettings } from '../settings';
import { RowCounts, bulkCorrectionStreamId } from './bulk-correction-events';
import { FailBulkCorrection, RecordBulkCorrectionBatch, bulkCorrectionDecider, isEndedJobRefusal } from './bulk-correction.decider';
import { projectBulkCorrection } from './bulk-correction.projection';
import { CorrectionRow, laneOf, readCorrectionRows, rowRequestId } from './correction-file';

export type WorkerSettings = Pick<InventorySettings, 'INVENTORY_BULK_BATCH_SIZE' | 'INVENTORY_BULK_POLL_INTERVAL_MS'>;

// Where the worker reports when it is given no logger (tests); in its thread, the messages go to the service's
// logger on the main thread (bulk-correction.thread-main.ts).
const CONSOLE_LOGGER: Logger = {
  info: (message, fields) => console.error(JSON.stringify({ level: 'info', context: 'BulkCorrections', msg: message, ...fields })),
  warn: (message, fields) => console.error(JSON.stringify({ level: 'warn', context: 'BulkCorrections', msg: message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'error', context: 'BulkCorrections', msg: message, ...fields })),
};

/**
 * What one round of a job did: rows answered, the job finished or failed, another instance holds every lane, or
 * the job is not active (completed, failed, unknown).
 */
export type BatchOutcome = 'progressed' | 'completed' | 'failed' | 'busy' | 'inactive';

type LaneOutcome = 'progressed' | 'completed' | 'busy' | 'inactive' | 'exhausted';

/** Most lanes a job can have (the setting's upper bound; a job keeps the lanes it was accepted with). */
export const MAX_LANES = 8;

/** Jobs run side by side, a round each in turn, so a small file is not stuck behind the 719,000-row backlog. */
const JOBS_AT_ONCE = 4;
/** Failed rounds in a row after which a job is given up (backing off up to a minute between attempts). */
const MAX_ATTEMPTS = 10;
const MAX_BACKOFF_MS = 60_000;
/** A job still `receiving` with no bytes for this long lost its upload (the service stopped mid-upload). */
const ABANDONED_UPLOAD_MS = 10 * 60_000;

/** A job that can never finish: its stored file no longer reads as it did at upload. */
class UnfinishableJob extends Error {}

interface JobMeta {
  sender: Sender;
  fileHash: string;
  correlationId: string;
  lanes: number;
}

/**
 * Runs accepted bulk corrections in the background (in the service, in its own thread: BulkCorrectionThread).
 *
 * A job's rows are dealt into lanes by Device ID (a fixed number per job, chosen at upload): every row of one
 * device is in the same lane, so a device's rows are decided in file order, and lanes share no device, so they
 * run side by side, each in its own transaction, and the database works on one lane while the service decides
 * the next batch of another. A lane advances in batches, each ONE transaction that decides its rows through
 * DeviceWriter (the SR8.4 rules, the write path of HTTP and Kafka), records their answers in
 * bulk_correction_rows and moves the lane's last processed row and the job's counts. A batch is all or nothing,
 * so after a restart (or on another instance) each lane goes on from the row after its last processed one. Even a
 * row decided twice would change nothing: its RequestID is derived from the file, and a RequestID answered before
 * gets its first answer back.
 *
 * A lane's row is locked (FOR UPDATE SKIP LOCKED) by its batch's transaction, so two instances never run the same
 * batch; the one that finds it locked moves on. The job's row is updated last in each batch, so lanes wait on
 * each other only for the moment of a commit. Each batch ends by putting the job's new totals to the job's own
 * decider (bulkCorrectionDecider, through handleCommand: the expected version is the stream's): the batch that
 * answers the last accepted row records BulkCorrectionCompleted, and a batch of a job that has already completed
 * or failed is refused and rolls back, so a restarted or duplicated worker can neither complete a job twice nor
 * record anything after its end.
 */
export class BulkCorrectionWorker {
  private running = false;
  private loop?: Promise<void>;
  private woken = false;
  private wakeUp?: () => void;
  private lastSweep = 0;
  /** Per job, one cursor per lane. */
  private readonly cursors = new Map<string, RowCursor[]>();
  private readonly metas = new Map<string, JobMeta>();
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PostgresEventStore,
    private readonly writer: DeviceWriter,
    private readonly settings: WorkerSettings,
    private readonly logger: Logger = CONSOLE_LOGGER,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    // Jobs left incomplete by a previous run are simply the oldest active ones: picked up on the first round.
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    // The batches in flight commit (or roll back) before the database closes.
    await this.loop;
    await this.closeCursors([]);
  }

  /** A job was accepted: no need to wait for the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let progressed = false;
      let backoff = 0;
      try {
        await this.sweepAbandonedUploads();
        const jobs = await this.activeJobs();
        await this.closeCursors(jobs);
        for (const jobId of jobs) {
          if (!this.running) break;
          const outcome = await this.processBatch(jobId);
          if (outcome === 'progressed' || outcome === 'completed') progressed = true;
          backoff = Math.max(backoff, this.backoffFor(jobId));
        }
      } catch (error) {
        this.logger.error('bulk correction round failed', { error: (error as Error).message });
        backoff = this.settings.INVENTORY_BULK_POLL_INTERVAL_MS;
      }
      if (this.running && (!progressed || backoff > 0)) await this.sleep(backoff || this.settings.INVENTORY_BULK_POLL_INTERVAL_MS);
    }
  }

  /**
   * One round of a job: the next batch of every lane, side by side. An error is counted against the job, which
   * fails once it keeps failing (or at once when it can never finish). Public for tests, which drive a job round by
   * round and "restart" it with a fresh worker.
   */
  async processBatch(jobId: string): Promise<BatchOutcome> {
    try {
      const meta = await this.metaOf(jobId);
      const cursors = this.cursorsOf(jobId, meta.lanes);
      const settled = await Promise.allSettled(cursors.map((cursor, lane) => this.processLane(jobId, lane, meta, cursor)));
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      const outcomes = settled.map((s) => (s as PromiseFulfilledResult<LaneOutcome>).value);
      this.failures.delete(jobId);
      if (outcomes.includes('completed')) return 'completed';
      if (outcomes.includes('progressed')) return 'progressed';
      if (outcomes.includes('busy')) return 'busy';
      if (outcomes.includes('inactive')) return 'inactive';
      // Every lane has read the whole file, yet the job has not reached its row count.
      const [{ processed_rows, total_rows }] = await this.dataSource.query(`SELECT processed_rows, total_rows FROM bulk_corrections WHERE job_id = $1`, [jobId]);
      throw new UnfinishableJob(`the stored file holds ${processed_rows} rows, but ${total_rows} rows were accepted`);
    } catch (error) {
      const attempts = (this.failures.get(jobId) ?? 0) + 1;
      this.failures.set(jobId, attempts);
      await this.dropCursors(jobId);
      const reason = (error as Error).message;
      this.logger.warn('bulk correction batch failed', { jobId, attempts, error: reason });
      if (error instanceof UnfinishableJob || attempts >= MAX_ATTEMPTS) {
        await this.markFailed(jobId, reason);
        this.failures.delete(jobId);
        return 'failed';
      }
      return 'busy';
    }
  }

  private backoffFor(jobId: string): number {
    const attempts = this.failures.get(jobId) ?? 0;
    return attempts === 0 ? 0 : Math.min(MAX_BACKOFF_MS, this.settings.INVENTORY_BULK_POLL_INTERVAL_MS * 2 ** (attempts - 1));
  }

  /**
   * Decides the next batch of one lane in one transaction. The batch is put to the job's decider last, so a batch of
   * a job that ended meanwhile (completed by another lane or instance, or failed) rolls back whole: nothing recorded.
   */
  private async processLane(jobId: string, lane: number, meta: JobMeta, cursor: RowCursor): Promise<LaneOutcome> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const locked: Array<{ last_row: number; status: string }> = await manager.query(
          `SELECT l.last_row, j.status FROM bulk_correction_lanes l JOIN bulk_corrections j USING (job_id)
           WHERE l.job_id = $1 AND l.lane = $2 FOR UPDATE OF l SKIP LOCKED`,
          [jobId, lane],
        );
        if (locked.length === 0) return 'busy';
        const [{ last_row: lastRow, status }] = locked;
        // The read model follows the job's events: a job that has ended is skipped without reading its file.
        if (status !== 'accepted') return 'inactive';
        const rows = await cursor.take(lastRow, this.settings.INVENTORY_BULK_BATCH_SIZE);
        if (rows.length === 0) return 'exhausted';

        const { counts, repeated } = await this.decide(manager, jobId, meta, rows);
        await manager.query(`UPDATE bulk_correction_lanes SET last_row = $3 WHERE job_id = $1 AND lane = $2`, [jobId, lane, rows[rows.length - 1].row]);
        // Last but the decision, so the job's row is held only until this commit: counts added, not overwritten, as
        // lanes interleave, and lanes put their batches to the decider one after the other.
        const updated: Array<Array<{ processed_rows: number; counts: RowCounts; repeated: number; started_at: Date }>> = await manager.query(
          `UPDATE bulk_corrections j SET
             processed_rows = j.processed_rows + $2,
             counts = (SELECT coalesce(jsonb_object_agg(c.code, c.n), '{}'::jsonb) FROM (
                         SELECT key AS code, sum(value::int) AS n FROM (
                           SELECT * FROM jsonb_each_text(j.counts) UNION ALL SELECT * FROM jsonb_each_text($3::jsonb)
                         ) AS both_counts GROUP BY key) AS c),
             repeated = j.repeated + $4,
             started_at = coalesce(j.started_at, now()),
             updated_at = now()
           WHERE j.job_id = $1
           RETURNING j.processed_rows, j.counts, j.repeated, j.started_at`,
          [jobId, rows.length, JSON.stringify(counts), repeated],
        );
        const job = updated[0][0];
        const recorded = await this.record(manager, meta, {
          type: 'RecordBulkCorrectionBatch',
          jobId,
          processedRows: job.processed_rows,
          counts: job.counts,
          repeated: job.repeated,
          startedAt: new Date(job.started_at).toISOString(),
          at: new Date().toISOString(),
        });
        return recorded.length > 0 ? 'completed' : 'progressed';
      });
    } catch (error) {
      if (isEndedJobRefusal(error)) return 'inactive';
      throw error;
    }
  }

  /** Every readable row becomes an SR8.4 from the uploader; the batch is decided together by DeviceWriter. */
  private async decide(manager: EntityManager, jobId: string, meta: JobMeta, rows: CorrectionRow[]): Promise<{ counts: RowCounts; repeated: number }> {
    const at = new Date().toISOString();
    const works: DeviceWork[] = [];
    const workOf: number[] = [];
    for (const row of rows) {
      if (!row.ok) {
        workOf.push(-1);
        continue;
      }
      workOf.push(works.length);
      works.push({
        kind: 'service-request',
        // Uploaded over HTTP: answers are read from the job, not published to inventory.service-responses.
        channel: 'http',
        correlationId: meta.correlationId,
        command: {
          type: 'UpdateInventory',
          requestId: rowRequestId(meta.sender.userId, row.deviceId, meta.fileHash, row.row),
          deviceId: row.deviceId,
          sender: meta.sender,
          at,
          changes: { esmeVariant: row.esmeVariant },
        },
      });
    }
    const results = works.length > 0 ? await this.writer.write(manager, works) : [];

    const counts: RowCounts = {};
    let repeated = 0;
    const columns = { row: [] as number[], device: [] as string[], variant: [] as string[], requestId: [] as Array<string | null>, code: [] as string[], message: [] as string[], repeated: [] as boolean[] };
    rows.forEach((row, i) => {
      let answer: { code: string; message: string; requestId: string | null; repeated: boolean };
      if (!row.ok) {
        answer = { code: 'MALFORMED', message: row.problem, requestId: null, repeated: false };
      } else {
        const result = results[workOf[i]];
        if (result.kind === 'answered') {
          answer = { code: result.answer.responseCode, message: result.answer.message, requestId: result.answer.requestId, repeated: result.repeated };
        } else if (result.kind === 'refused') {
          // The decider's own defence (rule 1): nothing was recorded for the row.
          answer = { code: 'MALFORMED', message: result.error.message, requestId: null, repeated: false };
        } else {
          throw new Error(`an SR8.4 produced a ${result.kind} result`);
        }
      }
      counts[answer.code] = (counts[answer.code] ?? 0) + 1;
      if (answer.repeated) repeated++;
      columns.row.push(row.row);
      columns.device.push(row.ok ? row.deviceId : row.rawDeviceId);
      columns.variant.push(row.ok ? row.esmeVariant : row.rawVariant);
      columns.requestId.push(answer.requestId);
      columns.code.push(answer.code);
      columns.message.push(answer.message);
      columns.repeated.push(answer.repeated);
    });
    await manager.query(
      `INSERT INTO bulk_correction_rows (job_id, row_no, device_id, esme_variant, request_id, response_code, message, repeated)
       SELECT $1, r.row_no, r.device_id, r.esme_variant, r.request_id, r.response_code, r.message, r.repeated
       FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[])
         AS r(row_no, device_id, esme_variant, request_id, response_code, message, repeated)`,
      [jobId, columns.row, columns.device, columns.variant, columns.requestId, columns.code, columns.message, columns.repeated],
    );
    return { counts, repeated };
  }

  private async markFailed(jobId: string, reason: string): Promise<void> {
    const failed = await this.dataSource.transaction(async (manager) => {
      // Locked, so the rows answered are counted after any batch still committing.
      const locked: Array<{ processed_rows: number }> = await manager.query(`SELECT processed_rows FROM bulk_corrections WHERE job_id = $1 FOR UPDATE`, [jobId]);
      if (locked.length === 0) return false;
      try {
        const command: FailBulkCorrection = { type: 'FailBulkCorrection', jobId, processedRows: locked[0].processed_rows, reason, at: new Date().toISOString() };
        await this.record(manager, await this.metaOf(jobId), command);
        return true;
      } catch (error) {
        // It completed (or failed) meanwhile: an ended job stays as it ended.
        if (isEndedJobRefusal(error)) return false;
        throw error;
      }
    });
    if (failed) this.logger.error('bulk correction failed', { jobId, reason });
    await this.dropCursors(jobId);
  }

  /**
   * Puts a command to the job's decider in the caller's transaction: the job's stream is read, the command decided
   * against it and its events appended at the version read, with the job's row following them.
   */
  private async record(manager: EntityManager, meta: JobMeta, command: RecordBulkCorrectionBatch | FailBulkCorrection): Promise<RecordedEvent[]> {
    const { recorded } = await handleCommand(manager, {
      store: this.store,
      streamId: bulkCorrectionStreamId(command.jobId),
      decider: bulkCorrectionDecider,
      command,
      metadata: { correlationId: meta.correlationId, actor: { ...meta.sender, roles: [...meta.sender.roles] } },
      project: projectBulkCorrection,
    });
    return recorded;
  }

  private async activeJobs(): Promise<string[]> {
    const rows: Array<{ job_id: string }> = await this.dataSource.query(
      `SELECT job_id FROM bulk_corrections WHERE status = 'accepted' ORDER BY accepted_at, job_id LIMIT $1`,
      [JOBS_AT_ONCE],
    );
    return rows.map((r) => r.job_id);
  }

  private async sweepAbandonedUploads(): Promise<void> {
    if (Date.now() - this.lastSweep < 60_000) return;
    this.lastSweep = Date.now();
    await this.dataSource.query(`DELETE FROM bulk_corrections WHERE status = 'receiving' AND updated_at < now() - $1 * interval '1 millisecond'`, [ABANDONED_UPLOAD_MS]);
  }

  private async metaOf(jobId: string): Promise<JobMeta> {
    const known = this.metas.get(jobId);
    if (known) return known;
    const rows: Array<{ sender_user_id: string; sender_party_id: string; sender_party_type: string; sender_roles: string[]; file_hash: string; correlation_id: string; lanes: number }> =
      await this.dataSource.query(
        `SELECT sender_user_id, sender_party_id, sender_party_type, sender_roles, file_hash, correlation_id, lanes FROM bulk_corrections WHERE job_id = $1`,
        [jobId],
      );
    if (rows.length === 0) throw new UnfinishableJob(`bulk correction ${jobId} does not exist`);
    const row = rows[0];
    const meta: JobMeta = {
      sender: { userId: row.sender_user_id, partyId: row.sender_party_id, partyType: row.sender_party_type as PartyType, roles: row.sender_roles },
      fileHash: row.file_hash,
      correlationId: row.correlation_id,
      lanes: row.lanes,
    };
    this.metas.set(jobId, meta);
    return meta;
  }

  private cursorsOf(jobId: string, lanes: number): RowCursor[] {
    let cursors = this.cursors.get(jobId);
    if (!cursors) {
      cursors = Array.from({ length: lanes }, (_, lane) => new RowCursor(() => readCorrectionRows(storedFile(this.dataSource, jobId)), (row) => laneOf(row, lanes) === lane));
      this.cursors.set(jobId, cursors);
    }
    return cursors;
  }

  private async dropCursors(jobId: string): Promise<void> {
    const cursors = this.cursors.get(jobId) ?? [];
    this.cursors.delete(jobId);
    this.metas.delete(jobId);
    for (const cursor of cursors) await cursor.close().catch(() => undefined);
  }

  /** Lets go of the files of jobs that are no longer active (completed, failed, or taken by another instance). */
  private async closeCursors(keep: string[]): Promise<void> {
    for (const jobId of [...this.cursors.keys()]) if (!keep.includes(jobId)) await this.dropCursors(jobId);
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = finish;
    });
  }
}

/** The stored file's bytes, one chunk at a time (never the whole file). */
async function* storedFile(dataSource: DataSource, jobId: string): AsyncGenerator<Buffer> {
  for (let chunk = 0; ; chunk++) {
    const rows: Array<{ bytes: Buffer }> = await dataSource.query(`SELECT bytes FROM bulk_correction_files WHERE job_id = $1 AND chunk = $2`, [jobId, chunk]);
    if (rows.length === 0) return;
    yield rows[0].bytes;
  }
}

/**
 * Where a lane has got to in a job's file: the rows of the lane after the lane's stored last row. A cursor that
 * is ahead of it (its batch rolled back) starts the file again, one that is behind (another instance ran batches
 * meanwhile) skips forward.
 */
class RowCursor {
  private iterator?: AsyncGenerator<CorrectionRow>;
  private position = 0;

  constructor(
    private readonly open: () => AsyncGenerator<CorrectionRow>,
    private readonly inLane: (row: CorrectionRow) => boolean,
  ) {}

  async take(after: number, count: number): Promise<CorrectionRow[]> {
    if (!this.iterator || this.position > after) {
      await this.close();
      this.iterator = this.open();
    }
    const rows: CorrectionRow[] = [];
    while (rows.length < count) {
      const next = await this.iterator.next();
      if (next.done) break;
      if (!this.inLane(next.value)) continue;
      this.position = next.value.row;
      if (next.value.row > after) rows.push(next.value);
    }
    return rows;
  }

  async close(): Promise<void> {
    const iterator = this.iterator;
    this.iterator = undefined;
    this.position = 0;
    await iterator?.return(undefined);
  }
}
