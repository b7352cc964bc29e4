import { Injectable } from '@nestjs/common';
import { eventCopyConsumer } from '../event-copies';
import { INVENTORY_DEVICE_EVENT_TYPES, inventoryCopyStreamId } from './inventory-streams';

/**
 * Copies the device events of `inventory.events` (INVENTORY_DEVICE_EVENT_TYPES) into publication's own event
 * store; other inventory events are passed over. The device read model of affected devices is an asynchronous
 * projection of these copies. How a copy is made and kept once, and which messages are dead-lettered (to
 * `inventory.events.dlq`): event-copies/.
 */
@Injectable()
export class InventoryFeedConsumer extends eventCopyConsumer({
  name: 'publication.inventory-feed',
  publisher: 'inventory',
  topic: 'inventory.events',
  eventTypes: INVENTORY_DEVICE_EVENT_TYPES,
  copyStreamId: inventoryCopyStreamId,
}) {}
