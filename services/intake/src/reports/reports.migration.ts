import { MigrationInterface, QueryRunner } from 'typeorm';

/** Reports read model (updated in the append's transaction) and the sequence behind DCC-assigned report ids. */
export class CreateReportsReadModel1733000000100 implements MigrationInterface {
  name = 'CreateReportsReadModel1733000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE report_number_seq`);
    await queryRunner.query(`
      CREATE TABLE reports (
        report_id              text PRIMARY KEY,
        report_number          bigint NOT NULL UNIQUE,
        reporter_party_id      text NOT NULL,
        reporter_party_type    text NOT NULL,
        source                 text NOT NULL,
        status_of_information  text NOT NULL,
        make                   text NOT NULL,
        model                  text NOT NULL,
        firmware_version       text NOT NULL,
        device_type            text NOT NULL,
        description            text NOT NULL,
        date_observed          date NOT NULL,
        reference              text,
        reported_at            timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX reports_reporter ON reports (reporter_party_id, report_number)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE reports`);
    await queryRunner.query(`DROP SEQUENCE report_number_seq`);
  }
}
