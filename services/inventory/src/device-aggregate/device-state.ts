import { DccUserId, DeviceId, DeviceType, EsmeVariant, SmetsVersion, SmiStatus } from './identifiers';


/*
 * One device in the Smart Metering Inventory, stream `device-<Device ID>`: what the rules decide against.
 * Absent optional values are `null`, never `undefined`, so events survive a JSON round trip unchanged.
 */

/** The details a supplier provides in SR12.2 and may correct with SR8.4. */
export interface DeviceDetails {
  deviceType: DeviceType;
  manufacturer: string;
  model: string;
  /** `null` for a Type 2 device, which holds no firmware version. */
  firmwareVersion: string | null;
  smetsVersion: SmetsVersion;
  /** `null` for anything but an ESME. */
  esmeVariant: EsmeVariant | null;
}

export const DETAIL_FIELDS = ['deviceType', 'manufacturer', 'model', 'firmwareVersion', 'smetsVersion', 'esmeVariant'] as const;
export type DetailField = (typeof DETAIL_FIELDS)[number];

export interface Device extends DeviceDetails {
  kind: 'device';
  deviceId: DeviceId;
  status: SmiStatus;
  prenotifyingUser: DccUserId;
  prenotifyingParty: string;
  /** Party id of the Responsible Supplier: the pre-notifying party until a Change of Supplier. */
  responsibleSupplier: string;
  responsibleSupplierUser: DccUserId | null;
  /**
   * Party id of the gaining supplier whose check of the ESME Variant is due after a Change of Supplier
   * (SECMP0125 §5.6, docs/domain.md); `null` when no check is due.
   */
  variantCheckDueBy: string | null;
}

export interface NotInSmi {
  kind: 'not-in-smi';
}

export type DeviceState = NotInSmi | Device;

export function detailsOf(device: Device): DeviceDetails {
  const { deviceType, manufacturer, model, firmwareVersion, smetsVersion, esmeVariant } = device;
  return { deviceType, manufacturer, model, firmwareVersion, smetsVersion, esmeVariant };
}

/** The requested details that differ from the device's, each with its value before. */
export function actualChanges(device: Device, requested: Partial<DeviceDetails>): { changes: Partial<DeviceDetails>; previous: Partial<DeviceDetails> } {
  const changes: Record<string, unknown> = {};
  const previous: Record<string, unknown> = {};
  for (const field of DETAIL_FIELDS) {
    const value = requested[field];
    if (value === undefined || value === device[field]) continue;
    changes[field] = value;
    previous[field] = device[field];
  }
  return { changes: changes as Partial<DeviceDetails>, previous: previous as Partial<DeviceDetails> };
}

/** Statuses a device never leaves: nothing about it is left to check. */
const FINAL_STATUSES: readonly SmiStatus[] = ['Decommissioned', 'Withdrawn', 'Recovered', 'NotApplicable'];

/**
 * Whether a gaining supplier checks this device's ESME Variant (SECMP0125 §5.6, docs/domain.md "Change of Supplier:
 * the gaining supplier checks the ESME Variant"): a SMETS2 ESME still in service. A SMETS1 variant cannot be
 * corrected once the device has left Pending (SR8.4 rule 5c), so asking for its check would leave it due for ever.
 */
export function variantCheckApplies(device: Device): boolean {
  return device.deviceType === 'ESME' && device.smetsVersion === 'SMETS2' && device.esmeVariant !== null && !FINAL_STATUSES.includes(device.status);
}
