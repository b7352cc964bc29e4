import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Quarterly releases (releases/):
 *
 * - `releases`: one row per ReleaseCut, its inline read model, written in the event's transaction.
 * - `release_dues`: one row per ReleaseDue.
 * - `release_items`: every row of both editions of every release, copied from the read models `dcc_items` and
 *   `published_items` in the cut's transaction. A release is a copy, not a query: the read models move on (and
 *   are rebuilt), a release never does, and its downloads are keyset pages over its own index. Each row keeps how
 *   it compares with the previous release (`change`) and a hash of what it exports (`content_hash`), so a diff
 *   between any two releases is a join on the item.
 *
 * Both tables refuse UPDATE and DELETE: a release is immutable.
 */
export class CreateReleases1736000000000 implements MigrationInterface {
  name = 'CreateReleases1736000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE releases (
        number            integer PRIMARY KEY CHECK (number > 0),
        label             text NOT NULL UNIQUE,
        period_from       date NOT NULL,
        period_to         date NOT NULL,
        previous_release  integer NULL,
        cut_at            timestamptz NOT NULL,
        cut_by            jsonb NOT NULL,
        contents          jsonb NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE release_dues (
        label        text PRIMARY KEY,
        period_from  date NOT NULL,
        period_to    date NOT NULL,
        due_by       date NOT NULL,
        detected_at  timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE release_items (
        release_number           integer NOT NULL,
        edition                  text NOT NULL CHECK (edition IN ('dcc', 'public')),
        case_id                  text COLLATE "C" NOT NULL,
        case_kind                text NOT NULL,
        change                   text NOT NULL CHECK (change IN ('new', 'updated', 'original')),
        content_hash             text NOT NULL,
        identifier               text,
        make                     text,
        model                    text,
        submitted_make           text,
        submitted_model          text,
        manufacturer_id          text,
        smi_model_id             text,
        firmware_version         text,
        device_type              text,
        source                   text NOT NULL,
        status_of_information    text NOT NULL,
        date_last_updated        text,
        fix_available            boolean NOT NULL,
        fix_information          text,
        fixing_firmware_version  text,
        description              text,
        version                  integer,
        state                    text,
        verified                 boolean,
        published                boolean,
        published_version        integer,
        provider_party_id        text,
        sort_make                text COLLATE "C" NOT NULL,
        sort_model               text COLLATE "C" NOT NULL,
        sort_firmware            text COLLATE "C" NOT NULL,
        sort_identifier          bigint NOT NULL,
        PRIMARY KEY (release_number, edition, case_id),
        CHECK ((edition = 'dcc') = (state IS NOT NULL))
      )`);
    // The neutral order (make, model, firmware version, Identifier, item) of one edition: every download's keyset.
    await queryRunner.query(
      `CREATE INDEX release_items_order ON release_items (release_number, edition, sort_make, sort_model, sort_firmware, sort_identifier, case_id)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION release_rows_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a release is immutable: % on % refused', TG_OP, TG_TABLE_NAME;
      END $$`);
    for (const table of ['releases', 'release_items']) {
      await queryRunner.query(`CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION release_rows_are_immutable()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE release_items`);
    await queryRunner.query(`DROP TABLE release_dues`);
    await queryRunner.query(`DROP TABLE releases`);
    await queryRunner.query(`DROP FUNCTION release_rows_are_immutable()`);
  }
}
