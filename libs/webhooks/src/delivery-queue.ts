import type { PartyType } from '@smi/auth';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { Subscriber, WebhookEventSpec } from './catalogue';

/** The body of every delivery: a CloudEvents 1.0 structured-mode JSON document. */
export interface WebhookEnvelope {
  specversion: '1.0';
  /** The source event's id (or the feed entry's key): the same for every subscriber and every attempt. */
  id: string;
  type: string;
  source: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  data: object;
}

export interface QueuedItem {
  /** Unique per source: with the subscription, what makes queuing idempotent. */
  key: string;
  /** Where the source sits in the service's store: subscriptions made after it do not receive it. */
  transactionId: string;
  position: string;
  envelope: WebhookEnvelope;
  onlyParty?: string;
}

/**
 * Queues `item` for every active subscription to `spec` made before it (and, when `onlyParty` is set, of that party
 * alone) that `spec.mayReceive` lets receive it. In the caller's transaction, with ON CONFLICT DO NOTHING on
 * (subscription, key): reading a source again (a rebuilt reaction, a feed re-read after a crash) queues nothing twice.
 */
export async function queueDeliveries(manager: EntityManager, spec: WebhookEventSpec, item: QueuedItem): Promise<number> {
  const subscribers: Array<{ subscription_id: string; party_id: string; party_type: PartyType }> = await manager.query(
    `SELECT subscription_id, party_id, party_type FROM webhook_subscriptions
      WHERE active AND $1 = ANY (events) AND (from_transaction_id, from_position) < ($2::xid8, $3::bigint)
        AND ($4::text IS NULL OR party_id = $4)
      ORDER BY subscription_id`,
    [spec.name, item.transactionId, item.position, item.onlyParty ?? null],
  );
  const body = JSON.stringify(item.envelope);
  let queued = 0;
  for (const row of subscribers) {
    const subscriber: Subscriber = { subscriptionId: row.subscription_id, partyId: row.party_id, partyType: row.party_type };
    if (spec.mayReceive && !(await spec.mayReceive(manager, subscriber))) continue;
    const inserted: unknown[] = await manager.query(
      `INSERT INTO webhook_deliveries (delivery_id, subscription_id, source_key, event, body, status, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', now())
       ON CONFLICT (subscription_id, source_key) DO NOTHING RETURNING delivery_id`,
      [randomUUID(), subscriber.subscriptionId, item.key, spec.name, body],
    );
    queued += inserted.length;
  }
  return queued;
}

export function envelopeSource(service: string): string {
  return `urn:smi:service:${service}`;
}
