import { Inject, Injectable } from '@nestjs/common';
import { EVENT_SCHEMAS } from '@smi/contracts';
import { PostgresEventStore } from '@smi/event-store';
import { IncomingMessage } from '@smi/kafka';
import { ConsumerHost, ConsumerPlatform, EVENT_STORE, HostedConsumerOptions } from '@smi/service-runtime';
import { EntityManager } from 'typeorm';
import { appendCopies, copyOfMessage } from '../event-copies';
import { verificationCopyStreamId } from './verification-streams';

/** Every event verification has a contract for: the case events and the catalogue's. */
export const VERIFICATION_EVENT_TYPES: readonly string[] = Object.keys(EVENT_SCHEMAS.verification);

/**
 * Appends each event of `verification.events` to publication's own event store, as verification published it
 * (type, data, schema version and event id unchanged), in the transaction that records it in the inbox. The
 * read models are asynchronous projections of these copies (defect-catalogue/), so they can be rebuilt from
 * publication's database alone. How a copy is made and kept once: event-copies/.
 */
@Injectable()
export class VerificationFeedConsumer extends ConsumerHost {
  constructor(
    platform: ConsumerPlatform,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
  ) {
    super(platform);
  }

  protected consumerOptions(): HostedConsumerOptions {
    return {
      name: 'publication.verification-feed',
      topics: [this.topics.name('verification.events')],
      eventTypes: VERIFICATION_EVENT_TYPES,
      handleBatch: (messages, manager) => this.copy(messages, manager),
    };
  }

  private copy(messages: IncomingMessage[], manager: EntityManager): Promise<void> {
    return appendCopies(
      this.store,
      manager,
      'verification',
      messages.map((message) => copyOfMessage('verification', message, verificationCopyStreamId)),
    );
  }
}
