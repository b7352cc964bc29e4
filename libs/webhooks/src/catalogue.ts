import type { PartyType } from '@smi/auth';
import type { PostgresEventStore, RecordedEvent } from '@smi/event-store';
import type { EntityManager } from 'typeorm';

/** Who a subscription belongs to, as the read model keeps it: what `mayReceive` decides on. */
export interface Subscriber {
  subscriptionId: string;
  partyId: string;
  partyType: PartyType;
}

/** What one stored event becomes for its subscribers; `onlyParty` narrows it to that party's subscriptions. */
export interface WebhookMessage {
  /** Only what every subscriber it goes to may see. */
  data: object;
  /** What the event is about (a case id, a request id): the envelope's `subject`. */
  subject?: string;
  /** Delivered to this party's subscriptions alone (a case waiting on one manufacturer). */
  onlyParty?: string;
}

export interface MessageContext {
  /** The reaction's transaction: read what the message needs here (it sees what the event's commit saw or later). */
  manager: EntityManager;
  store: PostgresEventStore;
}

/** One entry of a feed the dispatcher tails (publication's change feed): its cursor orders entries as the feed does. */
export interface FeedEntry {
  /** Opaque to the lib, ordered by the feed: the next read starts after the last entry's. */
  cursor: string;
  /** Unique in the feed: what keeps one entry from being queued twice for one subscription. */
  key: string;
  /** Where the entry's event sits in the service's store: only subscriptions made before it receive it. */
  transactionId: string;
  position: string;
  time: string;
  subject?: string;
  data: object;
}

export interface WebhookFeed {
  /** The entries after `after` (null: from the start), in feed order, at most `limit`. */
  read(manager: EntityManager, after: string | null, limit: number): Promise<FeedEntry[]>;
}

/**
 * One kind of webhook a service offers: its name as subscribers write it, who may subscribe, and where its
 * deliveries come from, either stored events (`eventTypes` and `message`) or a feed (`feed`).
 */
export interface WebhookEventSpec {
  /** As subscribers name it in `events` and receive it in the envelope's `type` (`release.cut`). */
  name: string;
  description: string;
  /** The party types that may subscribe to it; others are refused (403 naming `events`). */
  partyTypes: readonly PartyType[];
  /** Stored event types that produce it, read by the webhook reaction. */
  eventTypes?: readonly string[];
  /** The delivery an event gives, or null when it gives none (not every stored event is one subscribers want). */
  message?(event: RecordedEvent, context: MessageContext): Promise<WebhookMessage | null> | WebhookMessage | null;
  /** A feed the dispatcher tails instead of stored events. */
  feed?: WebhookFeed;
  /** Checked for each subscriber when a delivery is queued: access that can be lost after subscribing (a network party's). */
  mayReceive?(manager: EntityManager, subscriber: Subscriber): Promise<boolean>;
}

/** Everything a service offers: wiring a service is this list and `WebhooksModule.register` (docs/adr/0009-webhooks.md). */
export interface WebhookCatalogue {
  /** The service's name: the envelope's `source` is `urn:smi:service:<service>`. */
  service: string;
  events: readonly WebhookEventSpec[];
}
