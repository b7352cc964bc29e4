import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { handleCommand, PostgresEventStore, RecordedEvent } from '@smi/event-store';
import { EVENT_STORE, SERVICE_SETTINGS } from '@smi/service-runtime';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { WebhookCatalogue } from './catalogue';
import { newWebhookSecret, secretFingerprint } from './signing';
import { refuseOverLimit, webhookStreamId, WebhookSubscribed, webhookSubscriptionDecider, WebhookUnsubscribed } from './subscription.decider';
import { WEBHOOK_CATALOGUE } from './tokens';
import type { WebhookSettings } from './webhook-settings';

export interface SubscriptionView {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  subscribedAt: string;
  unsubscribedAt: string | null;
}

interface SubscriptionRow {
  subscription_id: string;
  url: string;
  events: string[];
  active: boolean;
  subscribed_at: Date;
  unsubscribed_at: Date | null;
}

/** Subscribing and unsubscribing, each a command on the subscription's own stream; the read model follows inline. */
@Injectable()
export class WebhookSubscriptions {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(SERVICE_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(WEBHOOK_CATALOGUE) private readonly catalogue: WebhookCatalogue,
  ) {}

  /** The party types that may subscribe to at least one of this service's webhooks. */
  async subscribe(actor: Actor, input: { url: string; events: string[] }, correlationId: string): Promise<SubscriptionView & { secret: string }> {
    const subscriptionId = randomUUID();
    // Read outside the command for the decider; counted again under a per-party lock in the command's transaction.
    const [{ count }]: Array<{ count: number }> = await this.dataSource.query(`SELECT count(*)::int AS count FROM webhook_subscriptions WHERE party_id = $1 AND active`, [
      actor.partyId,
    ]);
    await this.refuseWithheld(actor, subscriptionId, input.events);
    const secret = newWebhookSecret();
    const { newState } = await handleCommand(this.dataSource, {
      store: this.store,
      streamId: webhookStreamId(subscriptionId),
      decider: webhookSubscriptionDecider,
      command: {
        type: 'SubscribeWebhook',
        subscriptionId,
        partyId: actor.partyId,
        partyType: actor.partyType,
        url: input.url,
        events: input.events,
        secretFingerprint: secretFingerprint(secret),
        at: new Date().toISOString(),
        offers: this.catalogue.events,
        allowLoopbackHttp: this.settings.WEBHOOK_ALLOW_LOOPBACK_HTTP,
        activeForParty: count,
        maxPerParty: this.settings.WEBHOOK_MAX_SUBSCRIPTIONS_PER_PARTY,
      },
      metadata: { correlationId, actor },
      project: async (manager, recorded) => {
        // Two subscriptions of one party made at the same instant both pass the decider's count; the second waits
        // here for the first to commit and then counts it, so the limit holds however many arrive together.
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`webhook-subscriptions:${actor.partyId}`]);
        const [{ active }]: Array<{ active: number }> = await manager.query(`SELECT count(*)::int AS active FROM webhook_subscriptions WHERE party_id = $1 AND active`, [
          actor.partyId,
        ]);
        refuseOverLimit(actor.partyId, active, this.settings.WEBHOOK_MAX_SUBSCRIPTIONS_PER_PARTY);
        await projectSubscriptions(manager, recorded, secret);
      },
    });
    if (newState.status !== 'active') throw new Error('a new subscription is active');
    return { id: subscriptionId, url: newState.url, events: newState.events, active: true, subscribedAt: newState.subscribedAt, unsubscribedAt: null, secret };
  }

  /**
   * A webhook whose deliveries would all be withheld from this party now (`mayReceive`: a network party DCC has not
   * added, for the change feed) is refused as the read endpoint it mirrors refuses the party, rather than accepted and
   * left silent. Party types the webhook is not for at all are the decider's to refuse.
   */
  private async refuseWithheld(actor: Actor, subscriptionId: string, names: string[]): Promise<void> {
    for (const spec of this.catalogue.events) {
      if (!names.includes(spec.name) || !spec.partyTypes.includes(actor.partyType) || !spec.mayReceive) continue;
      if (!(await spec.mayReceive(this.dataSource.manager, { subscriptionId, partyId: actor.partyId, partyType: actor.partyType }))) {
        const reason = `party ${actor.partyId} may not receive ${spec.name} now`;
        throw new DomainError('FORBIDDEN_WEBHOOK_EVENTS', `events: ${reason}`, { field: 'events', reason, refused: [spec.name] });
      }
    }
  }

  async unsubscribe(actor: Actor, subscriptionId: string, correlationId: string): Promise<void> {
    await handleCommand(this.dataSource, {
      store: this.store,
      streamId: webhookStreamId(subscriptionId),
      decider: webhookSubscriptionDecider,
      command: { type: 'UnsubscribeWebhook', subscriptionId, partyId: actor.partyId, partyType: actor.partyType, operator: isOperator(actor), at: new Date().toISOString() },
      metadata: { correlationId, actor },
      project: (manager, recorded) => projectSubscriptions(manager, recorded),
    });
  }

  /** The caller's own subscriptions, active first; never the secret, which was shown once. */
  async listOwn(actor: Actor): Promise<SubscriptionView[]> {
    const rows: SubscriptionRow[] = await this.dataSource.query(
      `SELECT subscription_id, url, events, active, subscribed_at, unsubscribed_at FROM webhook_subscriptions
        WHERE party_id = $1 ORDER BY active DESC, subscribed_at DESC, subscription_id LIMIT 1000`,
      [actor.partyId],
    );
    return rows.map(view);
  }

  /** The subscription when the caller may read it (its party, or a DCC operator); absent otherwise. */
  async visibleTo(actor: Actor, subscriptionId: string): Promise<SubscriptionView | null> {
    const rows: Array<SubscriptionRow & { party_id: string }> = await this.dataSource.query(
      `SELECT subscription_id, party_id, url, events, active, subscribed_at, unsubscribed_at FROM webhook_subscriptions WHERE subscription_id = $1`,
      [subscriptionId],
    );
    const row = rows[0];
    if (!row || (row.party_id !== actor.partyId && !isOperator(actor))) return null;
    return view(row);
  }
}

/** DCC operators read every delivery log and may remove any subscription (runbook: a receiver gone for good). */
export function isOperator(actor: Actor): boolean {
  return actor.partyType === 'dcc' && actor.roles.includes('operator');
}

function view(row: SubscriptionRow): SubscriptionView {
  return {
    id: row.subscription_id,
    url: row.url,
    events: row.events,
    active: row.active,
    subscribedAt: row.subscribed_at.toISOString(),
    unsubscribedAt: row.unsubscribed_at?.toISOString() ?? null,
  };
}

/** `webhook_subscriptions` follows the events in their transaction, so a delivery is never queued for a removed one. */
async function projectSubscriptions(manager: EntityManager, recorded: RecordedEvent[], secret?: string): Promise<void> {
  for (const event of recorded) {
    if (event.type === 'WebhookSubscribed') {
      if (secret === undefined) throw new Error('a subscription is recorded with its secret');
      const data = event.data as Omit<WebhookSubscribed, 'type'>;
      await manager.query(
        `INSERT INTO webhook_subscriptions (subscription_id, party_id, party_type, url, events, secret, active, subscribed_at, from_transaction_id, from_position, version)
         VALUES ($1, $2, $3, $4, $5::text[], $6, true, $7, $8::xid8, $9::bigint, $10)`,
        [data.subscriptionId, data.partyId, data.partyType, data.url, data.events, secret, data.subscribedAt, event.transactionId, event.position, event.streamVersion],
      );
    } else if (event.type === 'WebhookUnsubscribed') {
      const data = event.data as Omit<WebhookUnsubscribed, 'type'>;
      await manager.query(`UPDATE webhook_subscriptions SET active = false, unsubscribed_at = $2, version = $3 WHERE subscription_id = $1`, [
        data.subscriptionId,
        data.unsubscribedAt,
        event.streamVersion,
      ]);
      // Nothing more goes to a removed subscription; its log keeps what was sent.
      await manager.query(`UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL WHERE subscription_id = $1 AND status = 'pending'`, [data.subscriptionId]);
    }
  }
}

/** True for the events of subscription streams: a service's own bookkeeping, kept out of its published events. */
export function isWebhookEvent(event: RecordedEvent): boolean {
  return event.streamId.startsWith('webhook-');
}
