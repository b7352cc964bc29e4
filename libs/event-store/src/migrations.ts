import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store: one table, which is also the outbox read by the relay.
 * transaction_id (xid8) lets readers order by commit visibility rather than by position, which a
 * concurrent writer can commit out of order (see readAll).
 */
export class CreateEventStore1730000000000 implements MigrationInterface {
  name = 'CreateEventStore1730000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE events (
        position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text NOT NULL,
        stream_version  integer NOT NULL CHECK (stream_version > 0),
        event_id        uuid NOT NULL,
        event_type      text NOT NULL,
        schema_version  integer NOT NULL DEFAULT 1,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version),
        CONSTRAINT events_event_id_unique UNIQUE (event_id)
      )`);
    await queryRunner.query(`CREATE INDEX events_commit_order ON events (transaction_id, position)`);
    await queryRunner.query(`CREATE INDEX events_correlation ON events ((metadata->>'correlationId'))`);
    await queryRunner.query(`CREATE INDEX events_type ON events (event_type, position)`);
    // One notification per appending statement wakes the relay and async projections at once;
    // polling remains as the fallback if a notification is missed. (Replaced by NotifyAppendsAfterCommit.)
    await queryRunner.query(`
      CREATE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('events_appended', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER events_appended AFTER INSERT ON events
      FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE events`);
    await queryRunner.query(`DROP FUNCTION notify_events_appended`);
  }
}

/**
 * Appends are notified after commit by the store (AppendNotifier), no longer by a trigger inside the appending
 * transaction, where NOTIFY serialised every commit behind PostgreSQL's notification lock.
 */
export class NotifyAppendsAfterCommit1760000000000 implements MigrationInterface {
  name = 'NotifyAppendsAfterCommit1760000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS events_appended ON events`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS notify_events_appended()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('events_appended', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER events_appended AFTER INSERT ON events
      FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended()`);
  }
}

export const EVENT_STORE_MIGRATIONS = [CreateEventStore1730000000000, NotifyAppendsAfterCommit1760000000000];
