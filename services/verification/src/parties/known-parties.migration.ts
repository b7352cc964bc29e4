import { MigrationInterface, QueryRunner } from 'typeorm';

/** Verification's copy of the party registry, projected from intake's events: who answers for which makes. */
export class CreateKnownParties1732000000000 implements MigrationInterface {
  name = 'CreateKnownParties1732000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE known_parties (
        party_id     text PRIMARY KEY,
        name         text NOT NULL,
        party_type   text NOT NULL,
        makes        text[] NOT NULL DEFAULT '{}',
        updated_at   timestamptz NOT NULL,
        last_event   uuid NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE known_parties`);
  }
}
