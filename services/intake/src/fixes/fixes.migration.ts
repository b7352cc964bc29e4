import { MigrationInterface, QueryRunner } from 'typeorm';

/** Fix proposals read model and the sequence behind DCC-assigned fix ids. */
export class CreateFixesReadModel1733000000200 implements MigrationInterface {
  name = 'CreateFixesReadModel1733000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE fix_number_seq`);
    await queryRunner.query(`
      CREATE TABLE fixes (
        fix_id                    text PRIMARY KEY,
        fix_number                bigint NOT NULL UNIQUE,
        proposer_party_id         text NOT NULL,
        proposer_party_type       text NOT NULL,
        source                    text NOT NULL,
        target                    jsonb NOT NULL,
        target_provider_party_id  text,
        make                      text,
        make_key                  text,
        model                     text,
        firmware_version          text,
        device_type               text,
        fixing_firmware_version   text NOT NULL,
        fix_information           text NOT NULL,
        status                    text NOT NULL,
        proposed_at               timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX fixes_proposer ON fixes (proposer_party_id)`);
    await queryRunner.query(`CREATE INDEX fixes_make_key ON fixes (make_key)`);
    await queryRunner.query(`CREATE INDEX fixes_target_provider ON fixes (target_provider_party_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE fixes`);
    await queryRunner.query(`DROP SEQUENCE fix_number_seq`);
  }
}
