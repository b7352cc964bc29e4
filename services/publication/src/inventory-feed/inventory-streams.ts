import { RecordedEvent } from '@smi/event-store';

/*
 * The device events publication keeps of the inventory, in its own event store, as the inventory published
 * them: the lean device read model of affected devices (affected-devices/) is a projection of these copies and can
 * be rebuilt from them at any time. A copy lives in the stream of its original, prefixed: `device-<Device ID>`
 * becomes `inventory-device-<Device ID>`.
 */

const PREFIX = 'inventory-';

/**
 * What a device's match with a published item depends on: its SMI ids and firmware (SR12.2 pre-notification,
 * SR8.4 updates), its Responsible Supplier (pre-notification, Change of Supplier) and its status (every one of
 * these carries it). Refused requests, Service Request answers and bulk-correction jobs change none of it and are
 * not copied.
 */
export const INVENTORY_DEVICE_EVENT_TYPES = ['DevicePreNotified', 'InventoryUpdated', 'EsmeVariantCorrected', 'DeviceStatusChanged', 'ResponsibleSupplierChanged'] as const;

export function inventoryCopyStreamId(sourceStreamId: string): string {
  return `${PREFIX}${sourceStreamId}`;
}

/** The stream a device's copied events live in. */
export function deviceCopyStreamId(deviceId: string): string {
  return inventoryCopyStreamId(`device-${deviceId}`);
}

/** A copy of the inventory's event: the inventory publishes it, publication's relay must not publish it again. */
export function isInventoryCopy(event: Pick<RecordedEvent, 'streamId'>): boolean {
  return event.streamId.startsWith(PREFIX);
}
