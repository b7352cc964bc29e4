import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DeadLetterReplay1790000000100 } from './dead-letter-replay.migration';

/**
 * The inbox remembers which messages each consumer has applied, in the same database and transaction as the
 * consumer's effects: that is what turns Kafka's at-least-once delivery into exactly-once effects.
 */
export class CreateInboxTable1730000000100 implements MigrationInterface {
  name = 'CreateInboxTable1730000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE consumer_inbox (
        consumer text NOT NULL,
        message_id text NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE consumer_dead_letters (
        id bigserial PRIMARY KEY,
        consumer text NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        message_id text NOT NULL,
        error text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE consumer_dead_letters');
    await queryRunner.query('DROP TABLE consumer_inbox');
  }
}

/** Add to a service's DataSource `migrations` next to its own. */
export const CONSUMER_MIGRATIONS = [CreateInboxTable1730000000100, DeadLetterReplay1790000000100];
