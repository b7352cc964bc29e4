import { PostgresEventStore } from '@smi/event-store';
import { Reaction } from '@smi/projections';
import type { WebhookCatalogue } from './catalogue';
import { envelopeSource, queueDeliveries } from './delivery-queue';

export const WEBHOOK_REACTION_NAME = 'webhook_outbox';

/**
 * The catalogue's stored-event webhooks as one reaction on the projection runner: it reads the store by type with
 * its own checkpoint and queues deliveries in the transaction that moves the checkpoint, so each event is queued
 * once; the unique (subscription, event id) makes a rebuild (which reads every event again) queue nothing new.
 */
export function webhookReaction(catalogue: WebhookCatalogue, store: PostgresEventStore): Reaction | null {
  const specs = catalogue.events.filter((spec) => spec.eventTypes && spec.eventTypes.length > 0 && spec.message);
  if (specs.length === 0) return null;
  return {
    name: WEBHOOK_REACTION_NAME,
    eventTypes: [...new Set(specs.flatMap((spec) => spec.eventTypes!))],
    async react(manager, event) {
      for (const spec of specs) {
        if (!spec.eventTypes!.includes(event.type)) continue;
        const message = await spec.message!(event, { manager, store });
        if (message === null) continue;
        await queueDeliveries(manager, spec, {
          key: `event:${event.eventId}`,
          transactionId: event.transactionId,
          position: event.position,
          onlyParty: message.onlyParty,
          envelope: {
            specversion: '1.0',
            id: event.eventId,
            type: spec.name,
            source: envelopeSource(catalogue.service),
            ...(message.subject === undefined ? {} : { subject: message.subject }),
            time: event.recordedAt.toISOString(),
            datacontenttype: 'application/json',
            data: message.data,
          },
        });
      }
    },
  };
}
