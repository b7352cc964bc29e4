import { PermanentMessageError } from '@smi/consumer';
import { Actor, AppendRequest, ANY, NewEvent, PostgresEventStore } from '@smi/event-store';
import { IncomingMessage } from '@smi/kafka';
import { parseContractEvent } from '@smi/service-runtime';
import { EntityManager } from 'typeorm';

/*
 * Publication keeps copies of other services' events in its own event store (verification's, the inventory's, intake's),
 * each as its publisher sent it: same type, data, schema version and event id. Its read models are asynchronous
 * projections of these copies, so any of them can be rebuilt from publication's database alone, without reading
 * the other services' topics again. The feeds (verification-feed/, inventory-feed/, intake-feed/) share these two steps
 * through one consumer (event-copy.consumer.ts), each saying only its name, publisher, topic, event types and streams.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EventCopy {
  streamId: string;
  event: NewEvent;
}

/**
 * The copy of one message of `publisher`'s topic, checked against its contract, in the stream `copyStreamId`
 * names for its original's. Kafka keeps a stream's events in order (the key is the stream id), so each copy stream
 * holds its original's events in their order; the original's stream, version and position stay in the metadata
 * for audit. A message without a UUID `ce_id`, a `ce_subject` or a `correlation_id` can never be copied faithfully:
 * it is refused as permanent (dead-lettered).
 */
export function copyOfMessage(publisher: string, message: IncomingMessage, copyStreamId: (sourceStreamId: string) => string): EventCopy {
  const { type, data } = parseContractEvent<unknown>(publisher, message);
  const { headers } = message;
  const eventId = headers.ce_id;
  if (!eventId || !UUID.test(eventId)) throw new PermanentMessageError(`${publisher} event ${type} has no UUID in ce_id`);
  const sourceStreamId = headers.ce_subject ?? message.key;
  if (!sourceStreamId) throw new PermanentMessageError(`${publisher} event ${type} ${eventId} names no stream (ce_subject)`);
  const correlationId = headers.correlation_id;
  const actor = actorOf(headers.actor);
  if (!correlationId) throw new PermanentMessageError(`${publisher} event ${type} ${eventId} has no correlation_id`);
  return {
    streamId: copyStreamId(sourceStreamId),
    event: {
      type,
      data,
      eventId,
      schemaVersion: Number(headers.schema_version ?? '1'),
      metadata: {
        correlationId,
        ...(headers.causation_id ? { causationId: headers.causation_id } : {}),
        ...(actor ? { actor } : {}),
        sourceService: publisher,
        source: {
          streamId: sourceStreamId,
          streamVersion: headers.stream_version ? Number(headers.stream_version) : null,
          position: headers.event_position ?? null,
          recordedAt: headers.ce_time ?? null,
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
        },
      },
    },
  };
}

/**
 * Appends the copies in the caller's transaction (the consumer's inbox row's), one request per stream in the order
 * given. The inbox already applies a message once per consumer name; the event ids already stored are passed over
 * as well, so that reading the topic again from the start (a reset consumer group, a renamed consumer) changes
 * nothing instead of failing on the store's unique event id.
 */
export async function appendCopies(store: PostgresEventStore, manager: EntityManager, publisher: string, copies: readonly EventCopy[]): Promise<void> {
  if (copies.length === 0) return;
  const stored: Array<{ event_id: string }> = await manager.query(`SELECT event_id::text AS event_id FROM events WHERE event_id = ANY($1::uuid[])`, [
    copies.map((c) => c.event.eventId),
  ]);
  const known = new Set(stored.map((row) => row.event_id));
  // appendMany takes each stream once.
  const byStream = new Map<string, AppendRequest>();
  for (const { streamId, event } of copies) {
    if (known.has(event.eventId!)) continue;
    known.add(event.eventId!);
    const request = byStream.get(streamId) ?? { streamId, events: [], expectedVersion: ANY };
    request.events.push(event);
    byStream.set(streamId, request);
  }
  if (byStream.size === 0) return;
  await store.appendMany([...byStream.values()], { correlationId: `${publisher}-feed`, sourceService: publisher }, manager);
}

/** The actor header as the publisher wrote it; an unreadable one is left out (it is audit context, not data). */
function actorOf(header: string | undefined): Actor | undefined {
  if (!header) return undefined;
  try {
    const actor = JSON.parse(header) as Partial<Actor>;
    if (typeof actor.userId === 'string' && typeof actor.partyId === 'string' && typeof actor.partyType === 'string' && Array.isArray(actor.roles)) {
      return { userId: actor.userId, partyId: actor.partyId, partyType: actor.partyType, roles: actor.roles.filter((r): r is string => typeof r === 'string') };
    }
  } catch {
    // left out below
  }
  return undefined;
}
