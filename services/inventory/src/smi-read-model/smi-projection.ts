import { EntityManager } from 'typeorm';
import { Device, ServiceRequestAnswered } from '../device-aggregate';

/** A device's row in `smi_devices` after an append: its state, stream version and times. */
export interface DeviceRowUpdate {
  device: Device;
  version: number;
  /** Recording time of the first event of the append; used only when the row is created. */
  createdAt: Date;
  updatedAt: Date;
}

export interface ServiceRequestRowInsert {
  answer: ServiceRequestAnswered;
  correlationId: string;
  position: string;
}

export interface DeviceSnapshot {
  device: Device;
  /** Stream version the row was written at. */
  version: number;
}

/**
 * The rows of these devices: each is the state its stream folds to at the row's version, read as one narrow row
 * instead of every event with its JSON (the write path takes it where that is still the stream's version).
 * Devices without a row are left out.
 */
export async function readDeviceSnapshots(manager: EntityManager, deviceIds: string[]): Promise<DeviceSnapshot[]> {
  if (deviceIds.length === 0) return [];
  const rows: Array<Record<string, string | number | null>> = await manager.query(
    `SELECT d.device_id, d.device_type, d.manufacturer, d.model, d.firmware_version, d.smets_version, d.esme_variant, d.status,
       d.prenotifying_user, d.prenotifying_party, d.responsible_supplier, d.responsible_supplier_user, d.variant_check_due_by, d.version
     FROM smi_devices d WHERE d.device_id = ANY($1::text[])`,
    [deviceIds],
  );
  return rows.map((r) => ({
    device: {
      kind: 'device',
      deviceId: r.device_id,
      deviceType: r.device_type,
      manufacturer: r.manufacturer,
      model: r.model,
      firmwareVersion: r.firmware_version,
      smetsVersion: r.smets_version,
      esmeVariant: r.esme_variant,
      status: r.status,
      prenotifyingUser: r.prenotifying_user,
      prenotifyingParty: r.prenotifying_party,
      responsibleSupplier: r.responsible_supplier,
      responsibleSupplierUser: r.responsible_supplier_user,
      variantCheckDueBy: r.variant_check_due_by,
    } as Device,
    version: Number(r.version),
  }));
}

/**
 * Upserts every device touched by one append in a single statement. The version guard keeps a row from
 * going back in time; it cannot happen while every write goes through the expected-version check, but a
 * read model that silently regresses would be much harder to notice than one that refuses to.
 */
export async function upsertDevices(manager: EntityManager, updates: DeviceRowUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const rows = updates.map(({ device: d, version, createdAt, updatedAt }) => ({
    device_id: d.deviceId,
    device_type: d.deviceType,
    manufacturer: d.manufacturer,
    model: d.model,
    firmware_version: d.firmwareVersion,
    smets_version: d.smetsVersion,
    esme_variant: d.esmeVariant,
    status: d.status,
    prenotifying_user: d.prenotifyingUser,
    prenotifying_party: d.prenotifyingParty,
    responsible_supplier: d.responsibleSupplier,
    responsible_supplier_user: d.responsibleSupplierUser,
    variant_check_due_by: d.variantCheckDueBy,
    version,
    created_at: createdAt.toISOString(),
    updated_at: updatedAt.toISOString(),
  }));
  await manager.query(
    `INSERT INTO smi_devices (device_id, device_type, manufacturer, model, firmware_version, smets_version, esme_variant, status,
       prenotifying_user, prenotifying_party, responsible_supplier, responsible_supplier_user, variant_check_due_by, version, created_at, updated_at)
     SELECT r.device_id, r.device_type, r.manufacturer, r.model, r.firmware_version, r.smets_version, r.esme_variant, r.status,
       r.prenotifying_user, r.prenotifying_party, r.responsible_supplier, r.responsible_supplier_user, r.variant_check_due_by, r.version,
       r.created_at, r.updated_at
     FROM jsonb_to_recordset($1::jsonb) AS r(device_id text, device_type text, manufacturer text, model text, firmware_version text,
       smets_version text, esme_variant text, status text, prenotifying_user text, prenotifying_party text, responsible_supplier text,
       responsible_supplier_user text, variant_check_due_by text, version integer, created_at timestamptz, updated_at timestamptz)
     ON CONFLICT (device_id) DO UPDATE SET
       device_type = EXCLUDED.device_type, manufacturer = EXCLUDED.manufacturer, model = EXCLUDED.model,
       firmware_version = EXCLUDED.firmware_version, smets_version = EXCLUDED.smets_version, esme_variant = EXCLUDED.esme_variant,
       status = EXCLUDED.status, prenotifying_user = EXCLUDED.prenotifying_user, prenotifying_party = EXCLUDED.prenotifying_party,
       responsible_supplier = EXCLUDED.responsible_supplier, responsible_supplier_user = EXCLUDED.responsible_supplier_user,
       variant_check_due_by = EXCLUDED.variant_check_due_by, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
     WHERE smi_devices.version < EXCLUDED.version`,
    [JSON.stringify(rows)],
  );
}

export async function insertServiceRequests(manager: EntityManager, inserts: ServiceRequestRowInsert[]): Promise<void> {
  if (inserts.length === 0) return;
  const rows = inserts.map(({ answer: a, correlationId, position }) => ({
    request_id: a.requestId,
    device_id: a.deviceId,
    service_reference: a.serviceReference,
    response_code: a.responseCode,
    channel: a.channel,
    sender_user_id: a.sender.userId,
    sender_party_id: a.sender.partyId,
    sender_party_type: a.sender.partyType,
    correlation_id: correlationId,
    received_at: a.receivedAt,
    position,
  }));
  await manager.query(
    `INSERT INTO smi_service_requests (request_id, device_id, service_reference, response_code, channel, sender_user_id, sender_party_id,
       sender_party_type, correlation_id, received_at, position)
     SELECT r.request_id, r.device_id, r.service_reference, r.response_code, r.channel, r.sender_user_id, r.sender_party_id,
       r.sender_party_type, r.correlation_id, r.received_at, r.position
     FROM jsonb_to_recordset($1::jsonb) AS r(request_id text, device_id text, service_reference text, response_code text, channel text,
       sender_user_id text, sender_party_id text, sender_party_type text, correlation_id text, received_at timestamptz, position bigint)`,
    [JSON.stringify(rows)],
  );
}
