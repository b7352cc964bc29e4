import { Inject, Injectable } from '@nestjs/common';
import { PermanentMessageError } from '@smi/consumer';
import { Actor, AppendRequest, ANY, NewEvent, PostgresEventStore } from '@smi/event-store';
import { IncomingMessage } from '@smi/kafka';
import { ConsumerHost, ConsumerPlatform, EVENT_STORE, HostedConsumerOptions, parseContractEvent } from '@smi/service-runtime';
import { EntityManager } from 'typeorm';
import { INTAKE_COPIED_EVENT_TYPES, intakeCopyStreamId } from './intake-streams';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Appends the intake events releases need (parties, submissions received, data requests) to publication's own
 * event store, as intake published them (type, data, schema version and event id unchanged), in the transaction
 * that records the message in the inbox: the same design as verification-feed/, so the read models drawn from
 * them (data-supply/) can be rebuilt from publication's database alone.
 *
 * Event ids already stored are passed over, so reading the topic again from the start changes nothing instead of
 * failing on the store's unique event id. A message that breaks intake's contract, or has no UUID `ce_id`, no
 * `ce_subject` or no `correlation_id`, goes to `intake.events.dlq`.
 */
@Injectable()
export class IntakeFeedConsumer extends ConsumerHost {
  constructor(
    platform: ConsumerPlatform,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
  ) {
    super(platform);
  }

  protected consumerOptions(): HostedConsumerOptions {
    return {
      name: 'publication.intake-feed',
      topics: [this.topics.name('intake.events')],
      eventTypes: [...INTAKE_COPIED_EVENT_TYPES],
      handleBatch: (messages, manager) => this.copy(messages, manager),
    };
  }

  private async copy(messages: IncomingMessage[], manager: EntityManager): Promise<void> {
    const copies = messages.map(copyOf);
    const stored: Array<{ event_id: string }> = await manager.query(`SELECT event_id::text AS event_id FROM events WHERE event_id = ANY($1::uuid[])`, [
      copies.map((c) => c.event.eventId),
    ]);
    const known = new Set(stored.map((row) => row.event_id));
    // One request per stream (appendMany takes each stream once), the events in the order Kafka delivered them.
    const byStream = new Map<string, AppendRequest>();
    for (const { streamId, event } of copies) {
      if (known.has(event.eventId!)) continue;
      known.add(event.eventId!);
      const request = byStream.get(streamId) ?? { streamId, events: [], expectedVersion: ANY };
      request.events.push(event);
      byStream.set(streamId, request);
    }
    if (byStream.size === 0) return;
    await this.store.appendMany([...byStream.values()], { correlationId: 'intake-feed', sourceService: 'intake' }, manager);
  }
}

/** The copy of one message, in the copy of its stream; the original's stream, version and position stay in the metadata. */
function copyOf(message: IncomingMessage): { streamId: string; event: NewEvent } {
  const { type, data } = parseContractEvent<unknown>('intake', message);
  const { headers } = message;
  const eventId = headers.ce_id;
  if (!eventId || !UUID.test(eventId)) throw new PermanentMessageError(`intake event ${type} has no UUID in ce_id`);
  const sourceStreamId = headers.ce_subject ?? message.key;
  if (!sourceStreamId) throw new PermanentMessageError(`intake event ${type} ${eventId} names no stream (ce_subject)`);
  const correlationId = headers.correlation_id;
  if (!correlationId) throw new PermanentMessageError(`intake event ${type} ${eventId} has no correlation_id`);
  const actor = actorOf(headers.actor);
  return {
    streamId: intakeCopyStreamId(sourceStreamId),
    event: {
      type,
      data,
      eventId,
      schemaVersion: Number(headers.schema_version ?? '1'),
      metadata: {
        correlationId,
        ...(headers.causation_id ? { causationId: headers.causation_id } : {}),
        ...(actor ? { actor } : {}),
        sourceService: 'intake',
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

/** The actor header as intake wrote it; an unreadable one is left out (it is audit context, not data). */
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
