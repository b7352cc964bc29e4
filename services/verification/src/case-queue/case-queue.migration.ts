import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The queue's make and model filters (case-queue.handler.ts) match a spelling two ways: as the source spelled
 * it (the case's subject) and as the DCC catalogue names it once verified (`snapshot.verified.canonical`).
 * Both sides are compared through `case_spelling_key` (spaces collapsed and trimmed, lower case), the way intake
 * and the catalogue compare spellings, and each comparison has its index. No column is added, so the case
 * writer's projection stays as it is.
 */
export class CaseQueueFilters1734500000000 implements MigrationInterface {
  name = 'CaseQueueFilters1734500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION case_spelling_key(spelling text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT lower(btrim(regexp_replace(spelling, '[[:space:]]+', ' ', 'g'))) $$`);
    await queryRunner.query(`CREATE INDEX cases_by_make_spelling ON cases (case_spelling_key(make))`);
    await queryRunner.query(`CREATE INDEX cases_by_model_spelling ON cases (case_spelling_key(model))`);
    await queryRunner.query(`CREATE INDEX cases_by_canonical_make ON cases (case_spelling_key(snapshot #>> '{verified,canonical,make}'))`);
    await queryRunner.query(`CREATE INDEX cases_by_canonical_model ON cases (case_spelling_key(snapshot #>> '{verified,canonical,model}'))`);
    await queryRunner.query(`CREATE INDEX cases_by_firmware ON cases (upper(firmware_version))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of ['cases_by_make_spelling', 'cases_by_model_spelling', 'cases_by_canonical_make', 'cases_by_canonical_model', 'cases_by_firmware']) {
      await queryRunner.query(`DROP INDEX ${index}`);
    }
    await queryRunner.query(`DROP FUNCTION case_spelling_key(text)`);
  }
}
