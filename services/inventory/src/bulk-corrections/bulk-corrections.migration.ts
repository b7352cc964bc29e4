import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulk corrections: the job (its progress, beside the `bulk-correction-<id>` events), the uploaded file as it
 * was received, where each of the job's lanes has got to, and one row per file row with its answer.
 *
 * The file is kept as received, in chunks, rather than as pre-parsed rows: it is the evidence of what the
 * supplier asked for (its SHA-256 is on the BulkCorrectionAccepted event), it costs one insert per MiB at
 * upload, and the job re-reads it row by row, so nothing is written twice per row.
 *
 * `bulk_correction_rows` has no foreign key to the job: only the worker writes it, for a job it holds locked,
 * and a per-row key check would cost one more index probe for each of hundreds of thousands of rows.
 */
export class CreateBulkCorrections1750000000000 implements MigrationInterface {
  name = 'CreateBulkCorrections1750000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE bulk_corrections (
        job_id             uuid PRIMARY KEY,
        status             text NOT NULL CHECK (status IN ('receiving', 'queued', 'running', 'completed', 'failed')),
        sender_user_id     text NOT NULL,
        sender_party_id    text NOT NULL,
        sender_party_type  text NOT NULL,
        sender_roles       jsonb NOT NULL,
        correlation_id     text NOT NULL,
        file_name          text,
        file_bytes         bigint NOT NULL DEFAULT 0,
        file_hash          text,
        total_rows         integer NOT NULL DEFAULT 0,
        lanes              smallint NOT NULL DEFAULT 1 CHECK (lanes BETWEEN 1 AND 16),
        processed_rows     integer NOT NULL DEFAULT 0,
        counts             jsonb NOT NULL DEFAULT '{}',
        repeated           integer NOT NULL DEFAULT 0,
        failure            text,
        received_at        timestamptz NOT NULL DEFAULT now(),
        accepted_at        timestamptz,
        started_at         timestamptz,
        finished_at        timestamptz,
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX bulk_corrections_active ON bulk_corrections (accepted_at, job_id) WHERE status IN ('queued', 'running')`);
    await queryRunner.query(`CREATE INDEX bulk_corrections_sender ON bulk_corrections (sender_party_id, received_at)`);
    await queryRunner.query(`
      CREATE TABLE bulk_correction_files (
        job_id  uuid NOT NULL REFERENCES bulk_corrections (job_id) ON DELETE CASCADE,
        chunk   integer NOT NULL,
        bytes   bytea NOT NULL,
        PRIMARY KEY (job_id, chunk)
      )`);
    await queryRunner.query(`
      CREATE TABLE bulk_correction_lanes (
        job_id    uuid NOT NULL REFERENCES bulk_corrections (job_id) ON DELETE CASCADE,
        lane      smallint NOT NULL,
        last_row  integer NOT NULL DEFAULT 0,
        PRIMARY KEY (job_id, lane)
      )`);
    await queryRunner.query(`
      CREATE TABLE bulk_correction_rows (
        job_id         uuid NOT NULL,
        row_no         integer NOT NULL,
        device_id      text NOT NULL,
        esme_variant   text NOT NULL,
        request_id     text,
        response_code  text NOT NULL,
        message        text NOT NULL,
        repeated       boolean NOT NULL,
        PRIMARY KEY (job_id, row_no)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE bulk_correction_rows`);
    await queryRunner.query(`DROP TABLE bulk_correction_lanes`);
    await queryRunner.query(`DROP TABLE bulk_correction_files`);
    await queryRunner.query(`DROP TABLE bulk_corrections`);
  }
}
