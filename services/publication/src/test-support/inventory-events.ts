import {
  DevicePreNotifiedData,
  DeviceStatusChangedData,
  EsmeVariantCheckedData,
  EsmeVariantCheckRequiredData,
  EsmeVariantCorrectedData,
  InventoryDeviceDetails,
  InventorySmiStatus,
  InventoryUpdatedData,
  ResponsibleSupplierChangedData,
  ServiceRequestRefusedData,
} from '@smi/contracts';
import { Actor } from '@smi/event-store';
import { randomUUID } from 'node:crypto';
import { PublishedEvent, PublisherTopic } from './publisher-topic';

/*
 * The inventory's device events as the inventory publishes them on inventory.events (publisher-topic.ts, streams
 * `device-<Device ID>`), each checked against its contract before it is sent: what publication consumes in these
 * tests is what the real inventory service would send.
 */

export type InventoryEvent = PublishedEvent;

const DSP = { userId: 'dsp-integration', partyId: 'DSP', partyType: 'dsp', roles: [] };

/** Sends events to `<prefix>.inventory.events` as the inventory's relay would. */
export class InventoryTopic extends PublisherTopic {
  constructor(topicPrefix: string) {
    // A device event is the answer to a Service Request or DSP report: its RequestID and sender are the audit headers.
    super(topicPrefix, 'inventory', (event) => {
      const { requestId, sender } = event.data as { requestId: string; sender: Actor };
      return { correlationId: requestId, actor: sender };
    });
  }
}

export const deviceStream = (deviceId: string) => `device-${deviceId}`;

let clock = Date.parse('2026-03-03T08:00:00.000Z');
function tick(): string {
  clock += 60_000;
  return new Date(clock).toISOString();
}

let counter = 0;
/** A supplier's DCC User ID for its Service Requests: one per supplier party. */
function supplierUser(party: string): string {
  const hex = Buffer.from(party).toString('hex').padEnd(16, '0').slice(0, 16).toUpperCase();
  return hex.match(/../g)!.join('-');
}

function base(deviceId: string, sender: { userId: string; partyId: string; partyType: string; roles: string[] }) {
  counter += 1;
  return { deviceId, requestId: `${sender.userId}:${deviceId}:${counter}`, sender, at: tick() };
}

const supplierSender = (party: string) => ({ userId: supplierUser(party), partyId: party, partyType: 'supplier', roles: ['IS'] });

export interface DeviceDetails {
  deviceType: InventoryDeviceDetails['deviceType'];
  manufacturer: string;
  model: string;
  firmwareVersion: string | null;
}

/** SR12.2 accepted: the supplier pre-notified the device; it becomes its Responsible Supplier. */
export function devicePreNotified(deviceId: string, supplier: string, device: DeviceDetails, status: InventorySmiStatus = 'Pending'): InventoryEvent {
  const data: DevicePreNotifiedData = {
    ...base(deviceId, supplierSender(supplier)),
    serviceReference: '12.2',
    status,
    ...device,
    smetsVersion: 'SMETS2',
    esmeVariant: device.deviceType === 'ESME' ? 'A' : null,
  };
  return { type: 'DevicePreNotified', data };
}

/** SR8.4 accepted: the Responsible Supplier changed the device's details (e.g. its firmware after an upgrade). */
export function inventoryUpdated(deviceId: string, supplier: string, changes: Partial<InventoryDeviceDetails>, previous: Partial<InventoryDeviceDetails>, status: InventorySmiStatus): InventoryEvent {
  const data: InventoryUpdatedData = { ...base(deviceId, supplierSender(supplier)), serviceReference: '8.4', status, changes, previous };
  return { type: 'InventoryUpdated', data };
}

export function esmeVariantCorrected(deviceId: string, supplier: string, status: InventorySmiStatus): InventoryEvent {
  const data: EsmeVariantCorrectedData = { ...base(deviceId, supplierSender(supplier)), serviceReference: '8.4', status, from: 'A', to: 'B' };
  return { type: 'EsmeVariantCorrected', data };
}

/** A refused SR8.4: recorded by the inventory, it changes nothing of the device. */
export function serviceRequestRefused(deviceId: string, supplier: string, requested: Partial<InventoryDeviceDetails>, status: InventorySmiStatus): InventoryEvent {
  const data: ServiceRequestRefusedData = {
    ...base(deviceId, supplierSender(supplier)),
    serviceReference: '8.4',
    responseCode: 'E4',
    reason: 'the sender is not the Responsible Supplier',
    status,
    requested,
  };
  return { type: 'ServiceRequestRefused', data };
}

/** The DSP reported a new SMI status. */
export function deviceStatusChanged(deviceId: string, from: InventorySmiStatus, to: InventorySmiStatus): InventoryEvent {
  const data: DeviceStatusChangedData = { ...base(deviceId, DSP), requestId: `status-${randomUUID()}`, from, to, reason: 'reported by the DSP' };
  return { type: 'DeviceStatusChanged', data };
}

/** The DSP reported a Change of Supplier. */
export function responsibleSupplierChanged(deviceId: string, previousSupplier: string, supplier: string): InventoryEvent {
  const data: ResponsibleSupplierChangedData = {
    ...base(deviceId, DSP),
    requestId: `cos-${randomUUID()}`,
    previousSupplier,
    previousSupplierUser: supplierUser(previousSupplier),
    supplier,
    supplierUser: supplierUser(supplier),
    effectiveFrom: '2026-03-04',
  };
  return { type: 'ResponsibleSupplierChanged', data };
}

/** With a Change of Supplier of a SMETS2 ESME: the gaining supplier is to check the ESME Variant (SECMP0125 §5.6). */
export function esmeVariantCheckRequired(deviceId: string, losingSupplier: string, gainingSupplier: string): InventoryEvent {
  const data: EsmeVariantCheckRequiredData = {
    ...base(deviceId, DSP),
    requestId: `cos-${randomUUID()}`,
    status: 'Commissioned',
    gainingSupplier,
    gainingSupplierUser: supplierUser(gainingSupplier),
    losingSupplier,
    esmeVariant: 'A',
    movedFrom: null,
    effectiveFrom: '2026-03-04',
  };
  return { type: 'EsmeVariantCheckRequired', data };
}

/** The gaining supplier's SR8.4 confirmed the ESME Variant: nothing of the device changed. */
export function esmeVariantChecked(deviceId: string, supplier: string): InventoryEvent {
  const data: EsmeVariantCheckedData = {
    ...base(deviceId, supplierSender(supplier)),
    serviceReference: '8.4',
    status: 'Commissioned',
    supplier,
    outcome: 'confirmed',
    esmeVariant: 'A',
    previousVariant: 'A',
  };
  return { type: 'EsmeVariantChecked', data };
}
