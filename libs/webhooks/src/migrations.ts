import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The webhook tables of a service that offers webhooks:
 * - `webhook_subscriptions`: the inline read model of the `webhook-<id>` streams, written in their events'
 *   transaction, with the signing secret, which no event holds (only its fingerprint); `from_transaction_id`/`from_position` place the subscription in the store, so it receives only
 *   what is recorded after it.
 * - `webhook_deliveries`: the queue and the log, one row per (subscription, event or feed entry), unique, so one
 *   event is never queued twice for one subscription, whatever the reaction or the feed reads again.
 * - `webhook_delivery_attempts`: every attempt, for the subscriber's delivery log.
 * - `webhook_feed_checkpoints`: how far the dispatcher has read each feed it tails.
 * The queue is operational state, like the relay's checkpoint or the consumer's dead letters, not domain events.
 */
export class CreateWebhooks1790000000000 implements MigrationInterface {
  name = 'CreateWebhooks1790000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_subscriptions (
        subscription_id     uuid PRIMARY KEY,
        party_id            text NOT NULL,
        party_type          text NOT NULL,
        url                 text NOT NULL,
        events              text[] NOT NULL,
        secret              text NOT NULL,
        active              boolean NOT NULL,
        subscribed_at       timestamptz NOT NULL,
        unsubscribed_at     timestamptz NULL,
        from_transaction_id xid8 NOT NULL,
        from_position       bigint NOT NULL,
        version             integer NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX webhook_subscriptions_party ON webhook_subscriptions (party_id) WHERE active`);
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        delivery_id      uuid PRIMARY KEY,
        subscription_id  uuid NOT NULL REFERENCES webhook_subscriptions (subscription_id),
        source_key       text NOT NULL,
        event            text NOT NULL,
        body             text NOT NULL,
        status           text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'cancelled')),
        attempts         integer NOT NULL DEFAULT 0,
        round_attempts   integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NULL,
        last_status_code integer NULL,
        last_error       text NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        delivered_at     timestamptz NULL,
        dead_at          timestamptz NULL,
        UNIQUE (subscription_id, source_key)
      )`);
    await queryRunner.query(`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await queryRunner.query(`CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE webhook_delivery_attempts (
        delivery_id  uuid NOT NULL REFERENCES webhook_deliveries (delivery_id),
        attempt      integer NOT NULL,
        started_at   timestamptz NOT NULL,
        duration_ms  integer NOT NULL,
        status_code  integer NULL,
        error        text NULL,
        PRIMARY KEY (delivery_id, attempt)
      )`);
    await queryRunner.query(`CREATE TABLE webhook_feed_checkpoints (feed text PRIMARY KEY, cursor text NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_feed_checkpoints, webhook_delivery_attempts, webhook_deliveries, webhook_subscriptions`);
  }
}

/** `webhook_deliveries{status="dead"}` is counted at every scrape: a partial index keeps that independent of the log's size. */
export class IndexDeadWebhookDeliveries1790000000200 implements MigrationInterface {
  name = 'IndexDeadWebhookDeliveries1790000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX webhook_deliveries_dead ON webhook_deliveries (dead_at) WHERE status = 'dead'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX webhook_deliveries_dead`);
  }
}

export const WEBHOOK_MIGRATIONS: Array<new () => MigrationInterface> = [CreateWebhooks1790000000000, IndexDeadWebhookDeliveries1790000000200];
