export { deviceCopyStreamId, INVENTORY_DEVICE_EVENT_TYPES, inventoryCopyStreamId, isInventoryCopy } from './inventory-streams';
export { InventoryFeedModule } from './inventory-feed.module';
