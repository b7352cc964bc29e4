import type { PartyType } from '@smi/auth';
import { Decider, DomainError } from '@smi/decider';
import { urlProblem } from './subscription-url';

/** What a service offers a party type: the names of its webhooks and who may subscribe to each. */
export interface WebhookOffer {
  name: string;
  partyTypes: readonly PartyType[];
}

export interface SubscribeWebhook {
  type: 'SubscribeWebhook';
  subscriptionId: string;
  partyId: string;
  partyType: PartyType;
  url: string;
  events: readonly string[];
  /** Of the secret the handler generated (randomness stays out of the decider): see WebhookSubscribed. */
  secretFingerprint: string;
  at: string;
  /** What this service offers, and the settings the rules read. */
  offers: readonly WebhookOffer[];
  allowLoopbackHttp: boolean;
  /** How many active subscriptions the party has now, read by the handler, and how many it may have. */
  activeForParty: number;
  maxPerParty: number;
}

export interface UnsubscribeWebhook {
  type: 'UnsubscribeWebhook';
  subscriptionId: string;
  partyId: string;
  partyType: PartyType;
  /** A DCC operator may remove any subscription (a receiver gone for good). */
  operator: boolean;
  at: string;
}

export type WebhookCommand = SubscribeWebhook | UnsubscribeWebhook;

export interface WebhookSubscribed {
  type: 'WebhookSubscribed';
  subscriptionId: string;
  partyId: string;
  partyType: PartyType;
  url: string;
  events: string[];
  /**
   * The first 16 hex digits of the secret's SHA-256: names the secret without giving it away. The secret itself is
   * kept in the read model only, never in an event, which the audit endpoints show and the store keeps forever
   * (ADR 0009).
   */
  secretFingerprint: string;
  subscribedAt: string;
}

export interface WebhookUnsubscribed {
  type: 'WebhookUnsubscribed';
  subscriptionId: string;
  partyId: string;
  /** Who removed it: the subscriber's party, or DCC. */
  byPartyId: string;
  unsubscribedAt: string;
}

export type WebhookEvent = WebhookSubscribed | WebhookUnsubscribed;

export const WEBHOOK_EVENT_TYPES = ['WebhookSubscribed', 'WebhookUnsubscribed'] as const satisfies readonly WebhookEvent['type'][];

export type WebhookSubscriptionState =
  | { status: 'none' }
  | { status: 'active' | 'removed'; subscriptionId: string; partyId: string; partyType: PartyType; url: string; events: string[]; secretFingerprint: string; subscribedAt: string };

export const webhookStreamId = (subscriptionId: string): string => `webhook-${subscriptionId}`;

const MAX_EVENTS = 20;

/**
 * A party's subscription to a service's webhooks, stream `webhook-<id>`. The rules: the URL is https (plain http
 * only to loopback when allowed) and carries no credentials; every event named is one this service offers and one
 * the party's type may receive; a party has at most `maxPerParty` active subscriptions; only the subscriber (or a
 * DCC operator) removes it, and removing twice records nothing.
 */
export const webhookSubscriptionDecider: Decider<WebhookCommand, WebhookSubscriptionState, WebhookEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    if (command.type === 'SubscribeWebhook') return subscribe(command, state);
    return unsubscribe(command, state);
  },

  evolve(state, event) {
    if (event.type === 'WebhookSubscribed') {
      const { subscriptionId, partyId, partyType, url, events, secretFingerprint, subscribedAt } = event;
      return { status: 'active', subscriptionId, partyId, partyType, url, events, secretFingerprint, subscribedAt };
    }
    return state.status === 'none' ? state : { ...state, status: 'removed' };
  },
};

function subscribe(command: SubscribeWebhook, state: WebhookSubscriptionState): WebhookEvent[] {
  if (state.status !== 'none') throw new DomainError('WEBHOOK_EXISTS', `subscription ${command.subscriptionId} exists already`);
  const problem = urlProblem(command.url, command.allowLoopbackHttp);
  if (problem !== null) throw new DomainError('INVALID_WEBHOOK_URL', `url ${problem}`, { field: 'url', reason: problem });
  const events = [...new Set(command.events)];
  if (events.length === 0 || events.length > MAX_EVENTS) {
    throw new DomainError('INVALID_WEBHOOK_EVENTS', `events must name 1 to ${MAX_EVENTS} webhooks`, { field: 'events', reason: `must name 1 to ${MAX_EVENTS} webhooks` });
  }
  const offered = new Map(command.offers.map((offer) => [offer.name, offer]));
  const unknown = events.filter((name) => !offered.has(name));
  if (unknown.length > 0) {
    const reason = `not offered by this service: ${unknown.join(', ')} (offered: ${[...offered.keys()].join(', ')})`;
    throw new DomainError('INVALID_WEBHOOK_EVENTS', `events ${reason}`, { field: 'events', reason, unknown });
  }
  const refused = events.filter((name) => !offered.get(name)!.partyTypes.includes(command.partyType));
  if (refused.length > 0) {
    const reason = `a ${command.partyType} may not receive ${refused.join(', ')}`;
    throw new DomainError('FORBIDDEN_WEBHOOK_EVENTS', `events: ${reason}`, { field: 'events', reason, refused });
  }
  refuseOverLimit(command.partyId, command.activeForParty, command.maxPerParty);
  const { subscriptionId, partyId, partyType, url, secretFingerprint, at } = command;
  return [{ type: 'WebhookSubscribed', subscriptionId, partyId, partyType, url, events, secretFingerprint, subscribedAt: at }];
}

function unsubscribe(command: UnsubscribeWebhook, state: WebhookSubscriptionState): WebhookEvent[] {
  // Another party's subscription is answered as absent: its existence is not the caller's to learn.
  if (state.status === 'none' || (!command.operator && state.partyId !== command.partyId)) {
    throw new DomainError('WEBHOOK_NOT_FOUND', `no subscription ${command.subscriptionId}`);
  }
  if (state.status === 'removed') return [];
  return [{ type: 'WebhookUnsubscribed', subscriptionId: state.subscriptionId, partyId: state.partyId, byPartyId: command.partyId, unsubscribedAt: command.at }];
}

/** A party with `active` subscriptions may add one only below `max`: checked by the decider, and again under a lock. */
export function refuseOverLimit(partyId: string, active: number, max: number): void {
  if (active >= max) {
    throw new DomainError('WEBHOOK_LIMIT_REACHED', `party ${partyId} has ${active} subscriptions, the most it may have; delete one first`, { limit: max });
  }
}
