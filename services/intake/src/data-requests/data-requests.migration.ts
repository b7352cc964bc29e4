import { MigrationInterface, QueryRunner } from 'typeorm';

/** Data requests read model and the sequence behind DCC-assigned request ids. */
export class CreateDataRequestsReadModel1733000000300 implements MigrationInterface {
  name = 'CreateDataRequestsReadModel1733000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE data_request_number_seq`);
    await queryRunner.query(`
      CREATE TABLE data_requests (
        request_id            text PRIMARY KEY,
        request_number        bigint NOT NULL UNIQUE,
        provider_party_id     text NOT NULL,
        provider_party_type   text NOT NULL,
        agreed_delivery_date  date NOT NULL,
        note                  text,
        status                text NOT NULL CHECK (status IN ('open', 'fulfilled', 'overdue')),
        issued_at             timestamptz NOT NULL,
        overdue_since         date,
        submission_id         text,
        received_at           timestamptz,
        late                  boolean,
        fulfilled_at          timestamptz,
        version               integer NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX data_requests_provider ON data_requests (provider_party_id, status)`);
    await queryRunner.query(`CREATE INDEX data_requests_open ON data_requests (agreed_delivery_date) WHERE status = 'open'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE data_requests`);
    await queryRunner.query(`DROP SEQUENCE data_request_number_seq`);
  }
}
