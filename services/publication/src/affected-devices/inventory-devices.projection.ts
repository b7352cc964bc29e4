import { RecordedEvent } from '@smi/event-store';
import { Projection } from '@smi/projections';
import { EntityManager } from 'typeorm';
import { foldIntoRows, FoldedRows, quoteIdent as quote } from '../defect-catalogue';
import { INVENTORY_DEVICE_EVENT_TYPES } from '../inventory-feed';
import { evolveInventoryDevice, InventoryDeviceEvent, InventoryDeviceRow } from './inventory-device';

const COLUMNS: ReadonlyArray<keyof InventoryDeviceRow> = [
  'device_id',
  'device_type',
  'manufacturer_id',
  'model_id',
  'firmware_version',
  'firmware_key',
  'responsible_supplier',
  'status',
];

/** One row per device, folded from its events by evolveInventoryDevice. */
const INVENTORY_DEVICES: FoldedRows<InventoryDeviceRow> = {
  key: 'device_id',
  columns: COLUMNS,
  keyOf: (event) => (event.data as { deviceId: string }).deviceId,
  read: (manager, table, deviceIds) => manager.query(`SELECT ${COLUMNS.map(quote).join(', ')} FROM ${quote(table)} WHERE device_id = ANY($1::text[])`, [deviceIds]),
  evolve: (device, event) => evolveInventoryDevice(device, { type: event.type, data: event.data } as InventoryDeviceEvent),
};

/**
 * `inventory_devices`: one row per device in the inventory (inventory-device.ts), from publication's copies of
 * the inventory's device events (inventory-feed/). Every write is a function of the events alone, so a rebuild
 * gives the same rows.
 *
 * The columns a device is matched on have the collations of published_items' (manufacturer_id and smi_model_id
 * the database's, firmware_key "C"), so the two compare without a collation conflict and published_items'
 * firmware_key index serves the join. Indexes: per supplier in match order, then the Device ID (a supplier's
 * affected devices, an item's devices in pages); the match alone (DCC over every supplier).
 */
export const inventoryDevicesProjection: Projection = {
  name: 'inventory_devices',
  version: 1,
  eventTypes: [...INVENTORY_DEVICE_EVENT_TYPES],

  async createSchema(manager: EntityManager, table: string) {
    const t = quote(table);
    await manager.query(`
      CREATE TABLE ${t} (
        device_id text COLLATE "C" PRIMARY KEY,
        device_type text NOT NULL,
        manufacturer_id text NOT NULL,
        model_id text NOT NULL,
        firmware_version text,
        firmware_key text COLLATE "C",
        responsible_supplier text COLLATE "C" NOT NULL,
        status text NOT NULL
      )`);
    await manager.query(
      `CREATE INDEX ${quote(`${table}_supplier_match`)} ON ${t} (responsible_supplier, manufacturer_id, model_id, firmware_key, device_id) INCLUDE (status)`,
    );
    await manager.query(`CREATE INDEX ${quote(`${table}_match`)} ON ${t} (manufacturer_id, model_id, firmware_key, device_id) INCLUDE (status, responsible_supplier)`);
  },

  async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
    await foldIntoRows(manager, events, table, INVENTORY_DEVICES);
  },
};
