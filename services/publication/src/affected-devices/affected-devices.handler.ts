import { Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DataSource } from 'typeorm';
import { CursorRow, decodeCursor, decodeSearchCursor, encodeCursor, notFound, publishedView, PublishedRow, searchCursorAfter, sortKeyOf } from '../defects';
import { csvLine } from '../spreadsheet-safety';
import { AffectedDeviceView, AffectedItemsPage, ItemDevicesPage } from './affected-devices.dto';
import { affectedItemsPlan, itemDevicesPlan } from './affected-devices.queries';
import { deviceScope } from './device-scope';

type AffectedRow = PublishedRow & CursorRow & { devices: number };

interface DeviceRow {
  device_id: string;
  device_type: string;
  status: string;
  responsible_supplier: string;
  manufacturer_id: string;
  model_id: string;
  firmware_version: string;
}

/** The CSV's columns: the device, then the item it matches, in the submission format's words where they are the same. */
export const AFFECTED_DEVICES_CSV_HEADER = [
  'Device ID',
  'Device Type',
  'SMI Status',
  'Responsible Supplier',
  'Manufacturer ID',
  'Model ID',
  'Firmware Version',
  'Item ID',
  'Identifier',
  'Make',
  'Model',
  'Status of Information',
  'Fix Available',
  'Fixing Firmware Version',
  'Fix Information',
  'Description',
] as const;

/** Items and devices read per query while the CSV is written: the download never holds the whole list in memory. */
const CSV_ITEM_PAGE = 200;
const CSV_DEVICE_PAGE = 5000;

const DEVICE_ID = /^[0-9A-F]{2}(-[0-9A-F]{2}){7}$/;

/**
 * Affected devices (issue 12 point 4): a supplier's devices in the inventory that match a published item, with a
 * count per item, as JSON pages, a CSV download, or one item's devices. Only published_items is read, whoever
 * asks; the scope of devices is deviceScope's.
 */
@Injectable()
export class AffectedDevicesHandler {
  constructor(private readonly dataSource: DataSource) {}

  async items(actor: Actor, input: { supplier?: string; cursor?: string; limit?: number }): Promise<AffectedItemsPage> {
    const supplier = deviceScope(actor, input.supplier);
    const after = decodeSearchCursor(input.cursor);
    const limit = input.limit ?? 50;
    const plan = affectedItemsPlan(supplier, after, limit);
    const rows: AffectedRow[] = await this.dataSource.query(plan.sql, plan.params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      supplier,
      items: page.map((row) => ({ item: publishedView(row), devices: row.devices })),
      nextCursor: rows.length > limit && last ? searchCursorAfter(last) : null,
    };
  }

  async itemDevices(actor: Actor, itemId: string, input: { supplier?: string; cursor?: string; limit?: number }): Promise<ItemDevicesPage> {
    const supplier = deviceScope(actor, input.supplier);
    const afterDeviceId = decodeCursor(input.cursor, 1, (part) => DEVICE_ID.test(part))?.[0];
    const limit = input.limit ?? 200;
    // Published items only, for every caller: an item that is not published is not found, as one that never was.
    const [item]: PublishedRow[] = await this.dataSource.query(`SELECT * FROM published_items WHERE case_id = $1`, [itemId]);
    if (item === undefined) throw notFound();
    const plan = itemDevicesPlan(item, supplier, afterDeviceId, limit);
    const rows: DeviceRow[] = await this.dataSource.query(plan.sql, plan.params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      supplier,
      item: publishedView(item),
      devices: page.map(deviceView),
      nextCursor: rows.length > limit && last ? encodeCursor([last.device_id]) : null,
    };
  }

  /**
   * The CSV download: one line per device and item it matches, items in the neutral order, each item's devices by
   * Device ID. The caller's scope is checked before the first line; the lines are then read a page at a time as the
   * client takes them (a list of millions of devices is never in memory), so it is not one snapshot: a device
   * changed while the download runs may show before or after its change. Every text cell is neutralised.
   */
  csv(actor: Actor, input: { supplier?: string }): { supplier: string | null; lines: AsyncGenerator<string> } {
    const supplier = deviceScope(actor, input.supplier);
    return { supplier, lines: this.csvLines(supplier) };
  }

  private async *csvLines(supplier: string | null): AsyncGenerator<string> {
    yield csvLine(AFFECTED_DEVICES_CSV_HEADER);
    let after: string[] | undefined;
    for (;;) {
      const plan = affectedItemsPlan(supplier, after, CSV_ITEM_PAGE);
      const items: AffectedRow[] = await this.dataSource.query(plan.sql, plan.params);
      for (const item of items.slice(0, CSV_ITEM_PAGE)) {
        let afterDevice: string | undefined;
        for (;;) {
          const devicesPlan = itemDevicesPlan(item, supplier, afterDevice, CSV_DEVICE_PAGE);
          const devices: DeviceRow[] = await this.dataSource.query(devicesPlan.sql, devicesPlan.params);
          const page = devices.slice(0, CSV_DEVICE_PAGE);
          // One string per page: a few hundred KB handed to the socket at once rather than thousands of tiny writes.
          if (page.length > 0) yield page.map((device) => csvLine(csvCells(device, item))).join('');
          if (devices.length <= CSV_DEVICE_PAGE) break;
          afterDevice = page[page.length - 1].device_id;
        }
      }
      if (items.length <= CSV_ITEM_PAGE) return;
      after = sortKeyOf(items[CSV_ITEM_PAGE - 1]);
    }
  }
}

function deviceView(row: DeviceRow): AffectedDeviceView {
  return {
    deviceId: row.device_id,
    deviceType: row.device_type,
    status: row.status,
    responsibleSupplier: row.responsible_supplier,
    manufacturerId: row.manufacturer_id,
    modelId: row.model_id,
    firmwareVersion: row.firmware_version,
  };
}

function csvCells(device: DeviceRow, item: PublishedRow): Array<string | null> {
  return [
    device.device_id,
    device.device_type,
    device.status,
    device.responsible_supplier,
    device.manufacturer_id,
    device.model_id,
    device.firmware_version,
    item.case_id,
    item.identifier,
    item.make,
    item.model,
    item.status_of_information,
    item.fix_available ? 'Yes' : 'No',
    item.fixing_firmware_version,
    item.fix_information,
    item.description,
  ];
}
