import { MigrationInterface, QueryRunner } from 'typeorm';

/** The party registry read model, updated in the same transaction as the party's events. */
export class CreatePartiesReadModel1731000000000 implements MigrationInterface {
  name = 'CreatePartiesReadModel1731000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE parties (
        party_id       text PRIMARY KEY,
        name           text NOT NULL,
        party_type     text NOT NULL,
        makes          text[] NOT NULL DEFAULT '{}',
        registered_at  timestamptz NOT NULL,
        updated_at     timestamptz NOT NULL,
        version        integer NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX parties_type ON parties (party_type)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE parties`);
  }
}
