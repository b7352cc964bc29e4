import {
  DevicePreNotifiedData,
  DeviceStatusChangedData,
  eventSchemaErrors,
  EsmeVariantCorrectedData,
  InventoryDeviceDetails,
  InventorySmiStatus,
  InventoryUpdatedData,
  ResponsibleSupplierChangedData,
  ServiceRequestRefusedData,
} from '@smi/contracts';
import { KafkaClient, MessageProducer, topicName } from '@smi/kafka';
import { testKafkaBrokers, uniqueName } from '@smi/testing';
import { randomUUID } from 'node:crypto';

/*
 * The inventory's device events as the inventory publishes them on inventory.events (CloudEvents headers, the
 * data as JSON keyed by stream `device-<Device ID>`), each checked against its contract before it is sent: what
 * publication consumes in these tests is what the real inventory service would send.
 */

export interface InventoryEvent {
  type: string;
  data: object;
}

const DSP = { userId: 'dsp-integration', partyId: 'DSP', partyType: 'dsp', roles: [] };

/** Sends events to `<prefix>.inventory.events` with the headers the inventory's relay writes. */
export class InventoryTopic {
  private readonly client = new KafkaClient({ brokers: testKafkaBrokers(), clientId: uniqueName('inventory-fake') });
  private producer?: MessageProducer;
  private readonly versions = new Map<string, number>();
  private position = 0;
  /** Every message sent. */
  readonly sent: Array<{ key: string; value: string; headers: Record<string, string> }> = [];

  constructor(private readonly topicPrefix: string) {}

  get topic(): string {
    return topicName(this.topicPrefix, 'inventory.events');
  }

  /** Appends the events to the inventory's stream `streamId` (`device-<Device ID>`), in order. */
  async send(streamId: string, events: InventoryEvent[]): Promise<string[]> {
    this.producer ??= await this.client.producer();
    const messages = events.map((event) => {
      const errors = eventSchemaErrors('inventory', event.type, 1, event.data);
      if (errors.length > 0) throw new Error(`test event ${event.type} breaks the inventory's contract: ${errors.join('; ')}`);
      const version = (this.versions.get(streamId) ?? 0) + 1;
      this.versions.set(streamId, version);
      this.position += 1;
      const sender = (event.data as { sender: object }).sender;
      return {
        key: streamId,
        value: JSON.stringify(event.data),
        headers: {
          ce_specversion: '1.0',
          ce_id: randomUUID(),
          ce_type: event.type,
          ce_source: 'urn:smi:service:inventory',
          ce_subject: streamId,
          ce_time: new Date().toISOString(),
          'content-type': 'application/json',
          correlation_id: (event.data as { requestId: string }).requestId,
          actor: JSON.stringify(sender),
          stream_version: String(version),
          schema_version: '1',
          event_position: String(this.position),
        },
      };
    });
    this.sent.push(...messages);
    await this.producer.send(this.topic, messages);
    return messages.map((m) => m.headers.ce_id);
  }

  /** Messages as given, for a test that sends what the inventory never would. */
  async sendRaw(messages: Array<{ key: string; value: string; headers: Record<string, string> }>): Promise<void> {
    this.producer ??= await this.client.producer();
    await this.producer.send(this.topic, messages);
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    await this.client.disconnect();
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
