import { Module } from '@nestjs/common';
import { InventoryFeedConsumer } from './inventory-feed.consumer';

/** The inventory's device events, copied into publication's event store for the device read model (affected-devices/). */
@Module({ providers: [InventoryFeedConsumer] })
export class InventoryFeedModule {}
