import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cases read model, written in the transaction of each case's events (case-writer.ts): one row a case,
 * with the columns the queue filters on and the case's whole state, which is also the stream's snapshot at
 * `version`. `make_key` is the make as submitted, trimmed, spaces collapsed and lower-cased, so that a party
 * registered later for the make finds its cases whatever the spelling's case.
 */
export class CreateCases1734000000000 implements MigrationInterface {
  name = 'CreateCases1734000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE cases (
        case_id                 uuid PRIMARY KEY,
        case_kind               text NOT NULL,
        state                   text NOT NULL,
        state_since             timestamptz NOT NULL,
        provider_party_id       text NOT NULL,
        make                    text,
        make_key                text,
        model                   text,
        firmware_version        text,
        device_type             text,
        assignee                text,
        accountable_party_id    text,
        accountable_party_type  text,
        waiting_on              text,
        waiting_for             text,
        waiting_since           timestamptz,
        wait_chased             boolean NOT NULL DEFAULT false,
        wait_overdue            boolean NOT NULL DEFAULT false,
        fix_reference           text NOT NULL,
        target_case_id          uuid,
        published               boolean NOT NULL DEFAULT false,
        opened_at               timestamptz NOT NULL,
        updated_at              timestamptz NOT NULL,
        version                 integer NOT NULL,
        snapshot                jsonb NOT NULL
      )`);
    // The queue reads oldest first within a state; the others serve its filters and the workflow's lookups.
    await queryRunner.query(`CREATE INDEX cases_queue ON cases (state, opened_at, case_id)`);
    await queryRunner.query(`CREATE INDEX cases_by_opened ON cases (opened_at, case_id)`);
    await queryRunner.query(`CREATE INDEX cases_by_provider ON cases (provider_party_id, opened_at)`);
    await queryRunner.query(`CREATE INDEX cases_by_waiting_on ON cases (waiting_on, waiting_since) WHERE waiting_on IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX cases_by_make_key ON cases (make_key)`);
    await queryRunner.query(`CREATE INDEX cases_by_target ON cases (target_case_id) WHERE target_case_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX cases_by_assignee ON cases (assignee) WHERE assignee IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE cases`);
  }
}
