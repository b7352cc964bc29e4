import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A bulk correction's `status` follows its events (see bulk-correction.projection.ts): `accepted` (was `queued`,
 * or `running` once a batch had been answered), `completed`, `failed`, and `receiving` before there is any event.
 * Whether an accepted job is running is told by its `started_at`, as the answers show it.
 */
export class BulkCorrectionStatusFromEvents1770000000000 implements MigrationInterface {
  name = 'BulkCorrectionStatusFromEvents1770000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE bulk_corrections DROP CONSTRAINT bulk_corrections_status_check`);
    await queryRunner.query(`DROP INDEX bulk_corrections_active`);
    await queryRunner.query(`UPDATE bulk_corrections SET status = 'accepted' WHERE status IN ('queued', 'running')`);
    await queryRunner.query(`ALTER TABLE bulk_corrections ADD CONSTRAINT bulk_corrections_status_check CHECK (status IN ('receiving', 'accepted', 'completed', 'failed'))`);
    await queryRunner.query(`CREATE INDEX bulk_corrections_active ON bulk_corrections (accepted_at, job_id) WHERE status = 'accepted'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE bulk_corrections DROP CONSTRAINT bulk_corrections_status_check`);
    await queryRunner.query(`DROP INDEX bulk_corrections_active`);
    await queryRunner.query(`UPDATE bulk_corrections SET status = CASE WHEN started_at IS NULL THEN 'queued' ELSE 'running' END WHERE status = 'accepted'`);
    await queryRunner.query(
      `ALTER TABLE bulk_corrections ADD CONSTRAINT bulk_corrections_status_check CHECK (status IN ('receiving', 'queued', 'running', 'completed', 'failed'))`,
    );
    await queryRunner.query(`CREATE INDEX bulk_corrections_active ON bulk_corrections (accepted_at, job_id) WHERE status IN ('queued', 'running')`);
  }
}
