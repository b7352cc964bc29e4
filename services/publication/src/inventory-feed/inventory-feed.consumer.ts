import { Inject, Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@smi/event-store';
import { IncomingMessage } from '@smi/kafka';
import { ConsumerHost, ConsumerPlatform, EVENT_STORE, HostedConsumerOptions } from '@smi/service-runtime';
import { EntityManager } from 'typeorm';
import { appendCopies, copyOfMessage } from '../event-copies';
import { INVENTORY_DEVICE_EVENT_TYPES, inventoryCopyStreamId } from './inventory-streams';

/**
 * Appends the device events of `inventory.events` (INVENTORY_DEVICE_EVENT_TYPES) to publication's own event store,
 * as the inventory published them, in the transaction that records them in the inbox; other inventory events are
 * passed over. The device read model of affected devices is an asynchronous projection of these copies. A message
 * that breaks the inventory's contract goes to `inventory.events.dlq`. How a copy is made and kept once:
 * event-copies/.
 */
@Injectable()
export class InventoryFeedConsumer extends ConsumerHost {
  constructor(
    platform: ConsumerPlatform,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
  ) {
    super(platform);
  }

  protected consumerOptions(): HostedConsumerOptions {
    return {
      name: 'publication.inventory-feed',
      topics: [this.topics.name('inventory.events')],
      eventTypes: INVENTORY_DEVICE_EVENT_TYPES,
      handleBatch: (messages, manager) => this.copy(messages, manager),
    };
  }

  private copy(messages: IncomingMessage[], manager: EntityManager): Promise<void> {
    return appendCopies(
      this.store,
      manager,
      'inventory',
      messages.map((message) => copyOfMessage('inventory', message, inventoryCopyStreamId)),
    );
  }
}
