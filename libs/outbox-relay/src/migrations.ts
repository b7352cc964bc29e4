import { MigrationInterface, QueryRunner } from 'typeorm';

/** Where each relay has got to in the event store's commit order; written only after the broker acknowledged. */
export class CreateOutboxRelayCheckpoints1730000000200 implements MigrationInterface {
  name = 'CreateOutboxRelayCheckpoints1730000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_relay_checkpoints (
        relay           text PRIMARY KEY,
        transaction_id  xid8 NOT NULL,
        position        bigint NOT NULL,
        published       bigint NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE outbox_relay_checkpoints`);
  }
}

export const OUTBOX_RELAY_MIGRATIONS = [CreateOutboxRelayCheckpoints1730000000200];
