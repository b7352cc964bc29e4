import {
  DevicePreNotifiedData,
  DeviceStatusChangedData,
  EsmeVariantCorrectedData,
  InventorySmiStatus,
  InventoryUpdatedData,
  ResponsibleSupplierChangedData,
  SMI_STATUSES,
} from '@smi/contracts';
import { firmwareKey } from '../defect-catalogue';

/**
 * What publication keeps of a device in the inventory: what matches it with a published item (its SMI manufacturer
 * id, model id and firmware version, the hex ids of the catalogue), who may see it (its Responsible Supplier) and
 * whether it is in service (its SMI status). Nothing else of the inventory is kept.
 */
export interface InventoryDeviceRow {
  device_id: string;
  device_type: string;
  /** 4 hex digits, as the inventory holds it (upper case). */
  manufacturer_id: string;
  /** 8 hex digits. */
  model_id: string;
  /** null for a Type 2 device, which holds none. */
  firmware_version: string | null;
  /** The firmware version as published items' `firmware_key` compares it (defect-catalogue/keys.ts). */
  firmware_key: string | null;
  responsible_supplier: string;
  status: InventorySmiStatus;
}

export type InventoryDeviceEvent =
  | { type: 'DevicePreNotified'; data: DevicePreNotifiedData }
  | { type: 'InventoryUpdated'; data: InventoryUpdatedData }
  | { type: 'EsmeVariantCorrected'; data: EsmeVariantCorrectedData }
  | { type: 'DeviceStatusChanged'; data: DeviceStatusChangedData }
  | { type: 'ResponsibleSupplierChanged'; data: ResponsibleSupplierChangedData };

/**
 * The device after one of its events, as the inventory decided it (the inventory records nothing it refused, so
 * every event here is a fact to apply). An event for a device with no pre-notification before it leaves it
 * unknown: the inventory never records one, and a device known only by a later event could not be matched anyway.
 */
export function evolveInventoryDevice(device: InventoryDeviceRow | undefined, event: InventoryDeviceEvent): InventoryDeviceRow | undefined {
  if (event.type === 'DevicePreNotified') {
    const data = event.data;
    return {
      device_id: data.deviceId,
      device_type: data.deviceType,
      manufacturer_id: data.manufacturer,
      model_id: data.model,
      firmware_version: data.firmwareVersion,
      firmware_key: data.firmwareVersion === null ? null : firmwareKey(data.firmwareVersion),
      // The pre-notifying supplier is the Responsible Supplier until a Change of Supplier.
      responsible_supplier: data.sender.partyId,
      status: data.status,
    };
  }
  if (device === undefined) return undefined;
  switch (event.type) {
    case 'InventoryUpdated': {
      const { changes, status } = event.data;
      const next: InventoryDeviceRow = { ...device, status };
      if (changes.deviceType !== undefined) next.device_type = changes.deviceType;
      if (changes.manufacturer !== undefined) next.manufacturer_id = changes.manufacturer;
      if (changes.model !== undefined) next.model_id = changes.model;
      if (changes.firmwareVersion !== undefined) {
        next.firmware_version = changes.firmwareVersion;
        next.firmware_key = changes.firmwareVersion === null ? null : firmwareKey(changes.firmwareVersion);
      }
      return next;
    }
    case 'EsmeVariantCorrected':
      // The variant is not kept (it does not match a device with an item); the status is carried for completeness.
      return { ...device, status: event.data.status };
    case 'DeviceStatusChanged':
      return { ...device, status: event.data.to };
    case 'ResponsibleSupplierChanged':
      // Recorded when the DSP reports it, as the inventory applies it: from then on the gaining supplier sees it.
      return { ...device, responsible_supplier: event.data.supplier };
  }
}

/**
 * The statuses of a device in service or on its way there: pre-notified, whitelisted, installed, commissioned,
 * suspended, under recovery. A Decommissioned, Withdrawn or Recovered device is no longer anyone's to fix, and a
 * NotApplicable one (an inert Type 2 device) holds no firmware: none of them counts as affected (chosen).
 */
export const OUT_OF_SERVICE_STATUSES: readonly InventorySmiStatus[] = ['Decommissioned', 'Withdrawn', 'Recovered', 'NotApplicable'];
export const IN_SERVICE_STATUSES: readonly InventorySmiStatus[] = SMI_STATUSES.filter((status) => !OUT_OF_SERVICE_STATUSES.includes(status));
