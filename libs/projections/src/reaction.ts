import { RecordedEvent } from '@smi/event-store';
import { EntityManager } from 'typeorm';
import { Projection, quoteIdent } from './projection';

/**
 * Thrown by a reaction for an event it can never act on (a stored event missing what the reaction needs):
 * retrying cannot help, so the event is recorded in the reaction's table and the reaction moves on.
 */
export class UnreadableEventError extends Error {
  override readonly name = 'UnreadableEventError';
}

/**
 * Something a service does when one of its own events is recorded (a use case reacting to another's event),
 * fed from the event store rather than from the service's own Kafka topic: the store is read by type in SQL,
 * so a reaction to a rare event never decodes the common ones.
 */
export interface Reaction {
  /** snake_case, as a projection's: the checkpoint's key and the name of the view of unreadable events. */
  name: string;
  eventTypes: string[];
  /**
   * Acts on one event, in the transaction that also moves the reaction's checkpoint (each event in a
   * savepoint of its own). It must still be idempotent: a rebuild (`POST /ops/projections/<name>/rebuild`)
   * reads every event of its types again from the first.
   */
  react(manager: EntityManager, event: RecordedEvent): Promise<void>;
}

/**
 * A reaction run by the AsyncProjectionRunner: the same checkpoint per reader, advisory lock, wake-up on
 * append and backoff on failure as a read model, so there is one checkpointed loop over the store. Its read
 * model is the events it could not read: an UnreadableEventError is recorded there (event, stream and the
 * reason) and the checkpoint moves past it, so a malformed event neither stops the reaction nor is lost.
 * Any other error rolls the batch back and it is retried from the stored checkpoint, as for a projection.
 */
export function reactionProjection(reaction: Reaction): Projection {
  return {
    name: reaction.name,
    version: 1,
    eventTypes: reaction.eventTypes,

    async createSchema(manager: EntityManager, table: string) {
      await manager.query(`
        CREATE TABLE ${quoteIdent(table)} (
          event_id        uuid PRIMARY KEY,
          transaction_id  xid8 NOT NULL,
          position        bigint NOT NULL,
          stream_id       text NOT NULL,
          event_type      text NOT NULL,
          error           text NOT NULL,
          recorded_at     timestamptz NOT NULL,
          failed_at       timestamptz NOT NULL DEFAULT now()
        )`);
    },

    async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
      for (const event of events) {
        try {
          // A savepoint: whatever the reaction wrote before finding the event unreadable is undone with it.
          await manager.transaction((savepoint) => reaction.react(savepoint, event));
        } catch (error) {
          if (!(error instanceof UnreadableEventError)) throw error;
          await manager.query(
            `INSERT INTO ${quoteIdent(table)} (event_id, transaction_id, position, stream_id, event_type, error, recorded_at)
             VALUES ($1, $2::xid8, $3::bigint, $4, $5, $6, $7)
             ON CONFLICT (event_id) DO UPDATE SET error = EXCLUDED.error, failed_at = now()`,
            [event.eventId, event.transactionId, event.position, event.streamId, event.type, error.message, event.recordedAt],
          );
        }
      }
    },
  };
}
