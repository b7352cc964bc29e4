import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The items read model and the possible-duplicate flags, both updated in the same transaction as the
 * item events (inline projection), so a submission's next chunk and the next submission decide against
 * exactly what has been recorded.
 */
export class CreateItemsReadModel1732000000000 implements MigrationInterface {
  name = 'CreateItemsReadModel1732000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // identifier is at most 18 digits (glossary), so bigint holds it and sorts it numerically.
    await queryRunner.query(`
      CREATE TABLE items (
        provider_party_id      text NOT NULL,
        identifier             bigint NOT NULL,
        make                   text NOT NULL,
        model                  text NOT NULL,
        firmware_version       text NOT NULL,
        device_type            text NOT NULL,
        source                 text NOT NULL,
        status_of_information  text NOT NULL,
        date_last_updated      date NOT NULL,
        fix_available          boolean NOT NULL,
        fix_information        text,
        content_hash           text NOT NULL,
        version                integer NOT NULL,
        first_submission_id    uuid NOT NULL,
        last_submission_id     uuid NOT NULL,
        last_row               integer NOT NULL,
        created_at             timestamptz NOT NULL,
        updated_at             timestamptz NOT NULL,
        PRIMARY KEY (provider_party_id, identifier)
      )`);
    // Possible duplicates are found, and items searched, by device: make, model, firmware, device type.
    await queryRunner.query(`CREATE INDEX items_device ON items (lower(make), lower(model), firmware_version, device_type)`);
    // Firmware versions must be searchable on their own (requirement 6).
    await queryRunner.query(`CREATE INDEX items_firmware ON items (firmware_version)`);

    await queryRunner.query(`
      CREATE TABLE item_possible_duplicates (
        flag_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        provider_party_id  text NOT NULL,
        identifier         bigint NOT NULL,
        make               text NOT NULL,
        model              text NOT NULL,
        firmware_version   text NOT NULL,
        device_type        text NOT NULL,
        matches            jsonb NOT NULL,
        match_count        integer NOT NULL,
        submission_id      uuid NOT NULL,
        item_version       integer NOT NULL,
        flagged_at         timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX item_possible_duplicates_item ON item_possible_duplicates (provider_party_id, identifier)`);

    // Which providers have submitted items of a make (make lower-cased): most makes belong to one provider, and
    // this tiny table lets a submission skip the per-device duplicate search for them.
    await queryRunner.query(`
      CREATE TABLE item_provider_makes (
        make_key           text NOT NULL,
        provider_party_id  text NOT NULL,
        PRIMARY KEY (make_key, provider_party_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE item_provider_makes`);
    await queryRunner.query(`DROP TABLE item_possible_duplicates`);
    await queryRunner.query(`DROP TABLE items`);
  }
}
