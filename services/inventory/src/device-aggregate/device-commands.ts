import { DeviceType, EsmeVariant, PartyType, SmetsVersion, SmiStatus } from './identifiers';

/*
 * What may be asked of a device. Service Requests (SR12.2 pre-notification, SR8.4 update inventory) come
 * from DCC Users and are always answered; integration commands (status changes, Change of Supplier) are
 * facts the DSP reports to us.
 */

export interface Sender {
  /** DCC User ID (EUI-64) for Service Requests; the integration's own id for DSP commands. */
  userId: string;
  partyId: string;
  partyType: PartyType;
  /** DUIS user roles (IS, ES, GS, ED, GT, OU...): recorded for audit, not used by these rules. */
  roles: readonly string[];
}

interface CommandBase {
  requestId: string;
  sender: Sender;
  /** ISO 8601 date-time the request was received. */
  at: string;
  deviceId: string;
}

/** SR12.2 Device Pre-notification. */
export interface PreNotifyDevice extends CommandBase {
  type: 'PreNotifyDevice';
  deviceType: DeviceType;
  manufacturer: string;
  model: string;
  firmwareVersion?: string | null;
  smetsVersion: SmetsVersion;
  esmeVariant?: EsmeVariant | null;
}

/** Fields to set; `null` clears an optional field (firmware version, ESME Variant). */
export type InventoryChanges = {
  deviceType?: DeviceType;
  manufacturer?: string;
  model?: string;
  firmwareVersion?: string | null;
  smetsVersion?: SmetsVersion;
  esmeVariant?: EsmeVariant | null;
};

/** SR8.4 Update Inventory. */
export interface UpdateInventory extends CommandBase {
  type: 'UpdateInventory';
  changes: InventoryChanges;
}

/** Reported by the DSP integration (party type `dsp`). */
export interface ChangeDeviceStatus extends CommandBase {
  type: 'ChangeDeviceStatus';
  to: SmiStatus;
  reason: string;
}

/** Change of Supplier, reported by the DSP integration (party type `dsp`) from registration data. */
export interface ChangeResponsibleSupplier extends CommandBase {
  type: 'ChangeResponsibleSupplier';
  supplierPartyId: string;
  supplierUserId?: string | null;
  /** ISO date (or date-time) from which the gaining supplier is responsible; recorded, not scheduled. */
  effectiveFrom: string;
}

export type ServiceRequestCommand = PreNotifyDevice | UpdateInventory;
/** Facts the DSP integration tells us about a device: answered with an error when refused, never with a DUIS code. */
export type DspCommand = ChangeDeviceStatus | ChangeResponsibleSupplier;
export type DeviceCommand = ServiceRequestCommand | DspCommand;
