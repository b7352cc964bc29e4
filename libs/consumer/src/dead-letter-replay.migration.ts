import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters become replayable from the database: the message itself (key, value, headers as received) is kept
 * beside the reason, and a replay is recorded once (when, by whom) so that a second one is refused. Rows written
 * before this migration have no message (`value` NULL); those are replayed by hand from `<topic>.dlq`.
 */
export class DeadLetterReplay1790000000100 implements MigrationInterface {
  name = 'DeadLetterReplay1790000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE consumer_dead_letters
        ADD COLUMN message_key text,
        ADD COLUMN message_value bytea,
        ADD COLUMN message_headers jsonb,
        ADD COLUMN replayed_at timestamptz,
        ADD COLUMN replayed_by jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE consumer_dead_letters
        DROP COLUMN replayed_by,
        DROP COLUMN replayed_at,
        DROP COLUMN message_headers,
        DROP COLUMN message_value,
        DROP COLUMN message_key`);
  }
}
