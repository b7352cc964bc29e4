import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The DCC catalogue's read model, written in the same transaction as the catalogue's events. The spelling and
 * manufacturer-id tables are also where the rules across makes are kept: their primary keys let one make only
 * hold a spelling or an SMI manufacturer id, even when two verifiers map the same spelling at once.
 */
export class CreateCatalogue1733000000000 implements MigrationInterface {
  name = 'CreateCatalogue1733000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Trigram similarity ranks the suggestions offered for a spelling the catalogue does not know.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`
      CREATE TABLE catalogue_makes (
        make_id          uuid PRIMARY KEY,
        name             text NOT NULL,
        aliases          text[] NOT NULL DEFAULT '{}',
        manufacturer_id  text,
        added_at         timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL,
        version          integer NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE catalogue_make_spellings (
        spelling_key  text PRIMARY KEY,
        spelling      text NOT NULL,
        make_id       uuid NOT NULL REFERENCES catalogue_makes (make_id)
      )`);
    await queryRunner.query(`CREATE INDEX catalogue_make_spellings_trgm ON catalogue_make_spellings USING gin (spelling_key gin_trgm_ops)`);
    await queryRunner.query(`
      CREATE TABLE catalogue_manufacturer_ids (
        manufacturer_id  text PRIMARY KEY,
        make_id          uuid NOT NULL UNIQUE REFERENCES catalogue_makes (make_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE catalogue_models (
        model_id      uuid PRIMARY KEY,
        make_id       uuid NOT NULL REFERENCES catalogue_makes (make_id),
        name          text NOT NULL,
        aliases       text[] NOT NULL DEFAULT '{}',
        smi_model_id  text,
        position      integer NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX catalogue_models_make ON catalogue_models (make_id, position)`);
    await queryRunner.query(`
      CREATE TABLE catalogue_model_spellings (
        make_id       uuid NOT NULL REFERENCES catalogue_makes (make_id),
        spelling_key  text NOT NULL,
        spelling      text NOT NULL,
        model_id      uuid NOT NULL REFERENCES catalogue_models (model_id),
        PRIMARY KEY (make_id, spelling_key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE catalogue_model_spellings`);
    await queryRunner.query(`DROP TABLE catalogue_models`);
    await queryRunner.query(`DROP TABLE catalogue_manufacturer_ids`);
    await queryRunner.query(`DROP TABLE catalogue_make_spellings`);
    await queryRunner.query(`DROP TABLE catalogue_makes`);
  }
}
