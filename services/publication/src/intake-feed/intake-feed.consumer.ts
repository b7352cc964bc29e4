import { Inject, Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@smi/event-store';
import { IncomingMessage } from '@smi/kafka';
import { ConsumerHost, ConsumerPlatform, EVENT_STORE, HostedConsumerOptions } from '@smi/service-runtime';
import { EntityManager } from 'typeorm';
import { appendCopies, copyOfMessage } from '../event-copies';
import { INTAKE_COPIED_EVENT_TYPES, intakeCopyStreamId } from './intake-streams';

/**
 * Appends the intake events releases need (parties, submissions received, data requests) to publication's own
 * event store, as intake published them (type, data, schema version and event id unchanged), in the transaction
 * that records the message in the inbox: the same design as verification-feed/, so the read models drawn from
 * them (data-supply/) can be rebuilt from publication's database alone. How a copy is made and kept once, and
 * which messages are dead-lettered (to `intake.events.dlq`): event-copies/.
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

  private copy(messages: IncomingMessage[], manager: EntityManager): Promise<void> {
    return appendCopies(
      this.store,
      manager,
      'intake',
      messages.map((message) => copyOfMessage('intake', message, intakeCopyStreamId)),
    );
  }
}
