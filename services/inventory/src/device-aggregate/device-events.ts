import { InventoryResponseCode, InventoryServiceReference } from '@smi/contracts';
import { Sender } from './device-commands';
import { DeviceDetails } from './device-state';
import { DccUserId, DeviceId, EsmeVariant, SmiStatus } from './identifiers';

/*
 * What the rules record on a device stream. Service Requests always record their outcome: an accepted
 * request records what changed, a refused one `ServiceRequestRefused` with its DUIS response code, so
 * auditors can list every attempt.
 */

export type ServiceReference = InventoryServiceReference;

/** DUIS-style response codes (docs/domain.md "Service Requests"). */
export type ResponseCode = InventoryResponseCode;
export type RefusalCode = Exclude<ResponseCode, 'I0'>;

export interface DeviceEventBase {
  deviceId: DeviceId;
  requestId: string;
  sender: Sender;
  at: string;
}

export interface DevicePreNotified extends DeviceEventBase, DeviceDetails {
  type: 'DevicePreNotified';
  serviceReference: '12.2';
  status: SmiStatus;
}

/** SR8.4 accepted while Pending: only fields that actually changed, with their previous values. */
export interface InventoryUpdated extends DeviceEventBase {
  type: 'InventoryUpdated';
  serviceReference: '8.4';
  status: SmiStatus;
  changes: Partial<DeviceDetails>;
  previous: Partial<DeviceDetails>;
}

/**
 * SR8.4 accepted after Pending (Whitelisted, InstalledNotCommissioned, Commissioned): the SECMP0125
 * correction by the Responsible Supplier, the only change allowed once a device has left Pending.
 */
export interface EsmeVariantCorrected extends DeviceEventBase {
  type: 'EsmeVariantCorrected';
  serviceReference: '8.4';
  status: SmiStatus;
  from: EsmeVariant | null;
  to: EsmeVariant;
}

export interface ServiceRequestRefused extends DeviceEventBase {
  type: 'ServiceRequestRefused';
  serviceReference: ServiceReference;
  responseCode: RefusalCode;
  reason: string;
  /** The device's status when refused; `null` when it is not in the SMI. */
  status: SmiStatus | null;
  /** What was asked for, normalised: the SR12.2 details or the SR8.4 changes. */
  requested: Partial<DeviceDetails>;
}

export interface DeviceStatusChanged extends DeviceEventBase {
  type: 'DeviceStatusChanged';
  from: SmiStatus;
  to: SmiStatus;
  reason: string;
}

export interface ResponsibleSupplierChanged extends DeviceEventBase {
  type: 'ResponsibleSupplierChanged';
  previousSupplier: string;
  previousSupplierUser: DccUserId | null;
  supplier: string;
  supplierUser: DccUserId | null;
  effectiveFrom: string;
}

export type DeviceEvent =
  | DevicePreNotified
  | InventoryUpdated
  | EsmeVariantCorrected
  | ServiceRequestRefused
  | DeviceStatusChanged
  | ResponsibleSupplierChanged;
