import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recorded submissions (projected from SubmissionRecorded, in the same transaction) and their validation
 * reports: the problems of every rejected row, written by the same transaction. Rejected rows record no
 * event (nothing about an item changed), so the report rows are kept here as the upload's record rather
 * than derived from the event store.
 */
export class CreateSubmissionsReadModel1732000000001 implements MigrationInterface {
  name = 'CreateSubmissionsReadModel1732000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE submissions (
        submission_id        uuid PRIMARY KEY,
        provider_party_id    text NOT NULL,
        provider_party_type  text NOT NULL,
        submitted_by         text NOT NULL,
        file_name            text,
        format               text NOT NULL,
        encoding             text,
        byte_count           bigint NOT NULL,
        row_count            integer NOT NULL,
        accepted             integer NOT NULL,
        unchanged            integer NOT NULL,
        revised              integer NOT NULL,
        rejected             integer NOT NULL,
        possible_duplicates  integer NOT NULL,
        rejection_count      integer NOT NULL,
        received_at          timestamptz NOT NULL,
        recorded_at          timestamptz NOT NULL,
        correlation_id       text NOT NULL
      )`);
    // Upload history, newest first: per provider, and across providers for DCC.
    await queryRunner.query(`CREATE INDEX submissions_provider_history ON submissions (provider_party_id, received_at DESC, submission_id DESC)`);
    await queryRunner.query(`CREATE INDEX submissions_history ON submissions (received_at DESC, submission_id DESC)`);

    await queryRunner.query(`
      CREATE TABLE submission_rejections (
        submission_id  uuid NOT NULL,
        ordinal        integer NOT NULL,
        source_row     integer NOT NULL,
        column_name    text NOT NULL,
        code           text NOT NULL,
        reason         text NOT NULL,
        PRIMARY KEY (submission_id, ordinal)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE submission_rejections`);
    await queryRunner.query(`DROP TABLE submissions`);
  }
}
