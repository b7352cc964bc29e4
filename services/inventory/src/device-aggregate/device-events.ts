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

/**
 * SECMP0125 §5.6 (docs/domain.md "Change of Supplier: the gaining supplier checks the ESME Variant"): recorded with
 * the `ResponsibleSupplierChanged` of a SMETS2 ESME, in the same append. The check is due for `gainingSupplier` until
 * its SR8.4 records `EsmeVariantChecked`, or a further Change of Supplier moves it (`movedFrom` then names the party
 * it was due for). `requestId`, `sender` and `at` are the DSP report's.
 */
export interface EsmeVariantCheckRequired extends DeviceEventBase {
  type: 'EsmeVariantCheckRequired';
  status: SmiStatus;
  /** Party id of the gaining supplier, the new Responsible Supplier: the check is due for it. */
  gainingSupplier: string;
  gainingSupplierUser: DccUserId | null;
  /** Party id of the losing supplier. */
  losingSupplier: string;
  /** The variant the gaining supplier is to confirm or correct. */
  esmeVariant: EsmeVariant;
  /** The party a check was still due for, which no longer has it; `null` when none was due. */
  movedFrom: string | null;
  effectiveFrom: string;
}

/**
 * The gaining supplier's SR8.4 after a Change of Supplier: it confirmed the variant (same value; nothing else
 * changes) or corrected it (recorded by `EsmeVariantCorrected` or `InventoryUpdated` in the same append).
 */
export interface EsmeVariantChecked extends DeviceEventBase {
  type: 'EsmeVariantChecked';
  serviceReference: '8.4';
  status: SmiStatus;
  /** Party id of the supplier that checked, the one the check was due for. */
  supplier: string;
  outcome: VariantCheckOutcome;
  /** The variant the device holds after the check. */
  esmeVariant: EsmeVariant;
  /** The variant before: the same as `esmeVariant` when confirmed. */
  previousVariant: EsmeVariant;
}

export const VARIANT_CHECK_OUTCOMES = ['confirmed', 'corrected'] as const;
export type VariantCheckOutcome = (typeof VARIANT_CHECK_OUTCOMES)[number];

export type DeviceEvent =
  | DevicePreNotified
  | InventoryUpdated
  | EsmeVariantCorrected
  | ServiceRequestRefused
  | DeviceStatusChanged
  | ResponsibleSupplierChanged
  | EsmeVariantCheckRequired
  | EsmeVariantChecked;
