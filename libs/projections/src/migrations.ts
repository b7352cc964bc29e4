import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bookkeeping for asynchronous projections.
 *
 * projection_checkpoints has one row per read-model TABLE, not per projection, because during a rebuild
 * the live table and the one being rebuilt advance independently from different positions.
 * projection_state says which table the stable view serves and which one is being rebuilt. The
 * *_version columns hold the projection code version (read-model shape) each table was built with; the
 * table's `_vN` suffix is only a generation number, since a rebuild with unchanged code also needs a
 * fresh table.
 */
export class CreateProjectionTables1730000000300 implements MigrationInterface {
  name = 'CreateProjectionTables1730000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection_checkpoints (
        projection      text NOT NULL,
        table_name      text NOT NULL,
        transaction_id  xid8 NOT NULL,
        position        bigint NOT NULL,
        processed       bigint NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, table_name)
      )`);
    await queryRunner.query(`
      CREATE TABLE projection_state (
        projection          text PRIMARY KEY,
        active_table        text NOT NULL,
        active_version      integer NOT NULL,
        rebuilding_table    text NULL,
        rebuilding_version  integer NULL,
        rebuild_started_at  timestamptz NULL,
        rebuild_total       bigint NULL,
        CHECK ((rebuilding_table IS NULL) = (rebuilding_version IS NULL))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE projection_state`);
    await queryRunner.query(`DROP TABLE projection_checkpoints`);
  }
}

export const PROJECTION_MIGRATIONS = [CreateProjectionTables1730000000300];
