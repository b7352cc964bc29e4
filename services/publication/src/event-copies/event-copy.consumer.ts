import { Inject, Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@smi/event-store';
import { ConsumerHost, ConsumerPlatform, EVENT_STORE, HostedConsumerOptions } from '@smi/service-runtime';
import { appendCopies, copyOfMessage } from './event-copies';

/** What sets one feed apart from another; everything else about copying a publisher's events is the same. */
export interface EventCopyFeed {
  /** The consumer's name: its inbox rows and, under the topic prefix, its consumer group. */
  name: string;
  /** The service that publishes the events: its contracts check each message, and the copies say they are its. */
  publisher: string;
  /** The publisher's topic, without the deployment's prefix. */
  topic: string;
  /** The event types copied; any other type on the topic is passed over. */
  eventTypes: readonly string[];
  /** The stream a copy lives in, from its original's stream. */
  copyStreamId: (sourceStreamId: string) => string;
}

/**
 * The consumer a feed extends: each message of `feed.topic` of a type in `feed.eventTypes` is appended to
 * publication's own event store, as its publisher sent it, in the transaction that records it in the inbox (a
 * message that breaks the publisher's contract is dead-lettered to `<topic>.dlq`). A class per feed, rather than
 * one provider configured three times, so each feed is its own injectable (tests read its stats) and logs under
 * its own name.
 */
export function eventCopyConsumer(feed: EventCopyFeed) {
  @Injectable()
  class EventCopyConsumer extends ConsumerHost {
    constructor(
      platform: ConsumerPlatform,
      @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    ) {
      super(platform);
    }

    protected consumerOptions(): HostedConsumerOptions {
      return {
        name: feed.name,
        topics: [this.topics.name(feed.topic)],
        eventTypes: feed.eventTypes,
        handleBatch: (messages, manager) =>
          appendCopies(
            this.store,
            manager,
            feed.publisher,
            messages.map((message) => copyOfMessage(feed.publisher, message, feed.copyStreamId)),
          ),
      };
    }
  }
  return EventCopyConsumer;
}
