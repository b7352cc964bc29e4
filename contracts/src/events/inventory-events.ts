import DeviceReportMessageSchema from '../../events/inventory/messages/DeviceReport.schema.json';
import ServiceRequestMessageSchema from '../../events/inventory/messages/ServiceRequest.schema.json';
import ServiceResponseMessageSchema from '../../events/inventory/messages/ServiceResponse.schema.json';
import { DeviceType } from '../glossary';

/*
 * Events the inventory service publishes on `inventory.events` (data only; CloudEvents headers carry the
 * type and ids), and the messages of its Service Request topics.
 *
 * Device events live in stream `device-<Device ID>`; `ServiceRequestAnswered` in `service-request-<RequestID>`.
 * Absent optional values are `null`, never missing.
 *
 * The closed lists below are the only definition of each; the inventory service derives its own from them.
 */

/** Device types are the glossary's: intake and inventory name the same devices. */
export type InventoryDeviceType = DeviceType;

/** The first letter is the metering element type (A single, B twin, C polyphase); suffixes are opaque. */
export const ESME_VARIANTS = ['A', 'AD', 'ADE', 'B', 'BD', 'BDE', 'C', 'CD', 'CDE'] as const;
export type InventoryEsmeVariant = (typeof ESME_VARIANTS)[number];

/** `SMETS2` means SMETS2 and later. */
export const SMETS_VERSIONS = ['SMETS1', 'SMETS2'] as const;
export type InventorySmetsVersion = (typeof SMETS_VERSIONS)[number];

export const SMI_STATUSES = [
  'Pending',
  'Whitelisted',
  'InstalledNotCommissioned',
  'Commissioned',
  'Decommissioned',
  'Withdrawn',
  'Suspended',
  'Recovery',
  'Recovered',
  'NotApplicable',
] as const;
export type InventorySmiStatus = (typeof SMI_STATUSES)[number];

/** SR12.2 Device Pre-notification and SR8.4 Update Inventory. */
export const SERVICE_REFERENCES = ['12.2', '8.4'] as const;
export type InventoryServiceReference = (typeof SERVICE_REFERENCES)[number];

/** DUIS-style response codes: I0 success, E* refusals. */
export const RESPONSE_CODES = ['I0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E11', 'E12', 'E19'] as const;
export type InventoryResponseCode = (typeof RESPONSE_CODES)[number];

/** Who sent a request or report. `userId` is a DCC User ID (EUI-64) for Service Requests. */
export interface InventorySender {
  userId: string;
  partyId: string;
  partyType: string;
  roles: string[];
}

export interface InventoryDeviceDetails {
  deviceType: InventoryDeviceType;
  manufacturer: string;
  model: string;
  firmwareVersion: string | null;
  smetsVersion: InventorySmetsVersion;
  esmeVariant: InventoryEsmeVariant | null;
}

interface DeviceEventBase {
  deviceId: string;
  requestId: string;
  sender: InventorySender;
  at: string;
}

export interface DevicePreNotifiedData extends DeviceEventBase, InventoryDeviceDetails {
  serviceReference: '12.2';
  status: InventorySmiStatus;
}

export interface InventoryUpdatedData extends DeviceEventBase {
  serviceReference: '8.4';
  status: InventorySmiStatus;
  changes: Partial<InventoryDeviceDetails>;
  previous: Partial<InventoryDeviceDetails>;
}

export interface EsmeVariantCorrectedData extends DeviceEventBase {
  serviceReference: '8.4';
  status: InventorySmiStatus;
  from: InventoryEsmeVariant | null;
  to: InventoryEsmeVariant;
}

export interface ServiceRequestRefusedData extends DeviceEventBase {
  serviceReference: InventoryServiceReference;
  responseCode: Exclude<InventoryResponseCode, 'I0'>;
  reason: string;
  status: InventorySmiStatus | null;
  requested: Partial<InventoryDeviceDetails>;
}

export interface DeviceStatusChangedData extends DeviceEventBase {
  from: InventorySmiStatus;
  to: InventorySmiStatus;
  reason: string;
}

export interface ResponsibleSupplierChangedData extends DeviceEventBase {
  previousSupplier: string;
  previousSupplierUser: string | null;
  supplier: string;
  supplierUser: string | null;
  effectiveFrom: string;
}

/**
 * SECMP0125 §5.6: recorded with the ResponsibleSupplierChanged of a SMETS2 ESME in service (same append, stream
 * `device-<deviceId>`): the gaining supplier is to check the ESME Variant. `movedFrom` names the party a check was
 * still due for (a further Change of Supplier before the check), else null. requestId/sender/at are the DSP report's.
 */
export interface EsmeVariantCheckRequiredData extends DeviceEventBase {
  status: InventorySmiStatus;
  gainingSupplier: string;
  gainingSupplierUser: string | null;
  losingSupplier: string;
  esmeVariant: InventoryEsmeVariant;
  movedFrom: string | null;
  effectiveFrom: string;
}

/** Outcomes of an ESME Variant check: the gaining supplier sent the same variant, or another one. */
export const VARIANT_CHECK_OUTCOMES = ['confirmed', 'corrected'] as const;
export type InventoryVariantCheckOutcome = (typeof VARIANT_CHECK_OUTCOMES)[number];

/** The gaining supplier's SR8.4 that checked the ESME Variant due after a Change of Supplier. */
export interface EsmeVariantCheckedData extends DeviceEventBase {
  serviceReference: '8.4';
  status: InventorySmiStatus;
  supplier: string;
  outcome: InventoryVariantCheckOutcome;
  esmeVariant: InventoryEsmeVariant;
  previousVariant: InventoryEsmeVariant;
}

export interface ServiceRequestAnsweredData {
  requestId: string;
  serviceReference: InventoryServiceReference;
  deviceId: string;
  responseCode: InventoryResponseCode;
  message: string;
  sender: InventorySender;
  channel: 'http' | 'kafka';
  receivedAt: string;
}

/** Stream `bulk-correction-<jobId>`: a supplier's file of (Device ID, ESME Variant) rows, each run as an SR8.4. */
export interface BulkCorrectionAcceptedData {
  jobId: string;
  fileName: string | null;
  /** SHA-256 of the file, hex: the seed of every row's RequestID. */
  fileHash: string;
  fileBytes: number;
  rows: number;
  sender: InventorySender;
  acceptedAt: string;
}

export interface BulkCorrectionCompletedData {
  jobId: string;
  rows: number;
  /** Rows per answer: response codes, and MALFORMED for a row that is not a correction. */
  counts: Record<string, number>;
  /** Rows answered before (the same file uploaded again): nothing new recorded. */
  repeated: number;
  startedAt: string;
  finishedAt: string;
}

export interface BulkCorrectionFailedData {
  jobId: string;
  processedRows: number;
  reason: string;
  failedAt: string;
}

// ---------------------------------------------------------------------------------------------------
// Topic messages (JSON values; see services/inventory/README.md)
// ---------------------------------------------------------------------------------------------------

/**
 * JSON Schemas (draft 2020-12) of the inventory's command and response topics, by base topic name, for
 * AsyncAPI and for gateways that want to check a message before sending it.
 */
export const INVENTORY_MESSAGE_SCHEMAS = {
  'inventory.service-requests': ServiceRequestMessageSchema,
  'inventory.service-responses': ServiceResponseMessageSchema,
  'inventory.device-reports': DeviceReportMessageSchema,
} as const;

/** `inventory.service-requests`, keyed by Device ID: a Service Request relayed by an authenticating gateway. */
export type InventoryServiceRequestMessage =
  | {
      serviceReference: '12.2';
      requestId: string;
      deviceId: string;
      deviceType: InventoryDeviceType;
      manufacturer: string;
      model: string;
      firmwareVersion?: string | null;
      smetsVersion: InventorySmetsVersion;
      esmeVariant?: InventoryEsmeVariant | null;
      sender: InventorySender;
    }
  | {
      serviceReference: '8.4';
      requestId: string;
      deviceId: string;
      changes: Partial<InventoryDeviceDetails>;
      sender: InventorySender;
    };

/** `inventory.service-responses`, keyed by RequestID: the same body the HTTP endpoints answer with. */
export interface InventoryServiceResponseMessage {
  requestId: string;
  serviceReference: InventoryServiceReference;
  deviceId: string;
  responseCode: InventoryResponseCode;
  message: string;
}

/** `inventory.service-responses` for a command that could not be read: nothing was recorded. */
export interface InventoryMalformedResponseMessage {
  requestId: string | null;
  serviceReference: string | null;
  deviceId: string | null;
  responseCode: 'MALFORMED';
  message: string;
  errors: Array<{ field: string; reason: string }>;
}

/** `inventory.device-reports`, keyed by Device ID: lifecycle facts reported by the DSP integration. */
export type InventoryDeviceReportMessage =
  | { kind: 'status'; reportId: string; deviceId: string; status: InventorySmiStatus; reason: string; sender: InventorySender }
  | {
      kind: 'responsible-supplier';
      reportId: string;
      deviceId: string;
      supplierPartyId: string;
      supplierUserId?: string | null;
      effectiveFrom: string;
      sender: InventorySender;
    };
