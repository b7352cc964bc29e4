import {
  ChangeDeviceStatus,
  ChangeResponsibleSupplier,
  DeviceDetails,
  DeviceEvent,
  DevicePreNotified,
  DeviceStatusChanged,
  EsmeVariant,
  EsmeVariantCheckRequired,
  InventoryChanges,
  PreNotifyDevice,
  ResponsibleSupplierChanged,
  Sender,
  SmiStatus,
  STATUS_TRANSITIONS,
  UpdateInventory,
} from '..';

/*
 * One device's commands and histories for the decider specs: senders of every kind, details of every device
 * type, and histories that reach each SMI status through the transition table.
 */

export const DEVICE = '00-DB-12-34-56-78-90-A0';
export const AT = '2024-05-01T09:30:00Z';

export const A1: Sender = { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };
export const A2: Sender = { userId: '90-B3-D5-1F-30-01-00-02', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };
export const B1: Sender = { userId: '90-B3-D5-1F-30-02-00-01', partyId: 'SUPPLIER-B', partyType: 'supplier', roles: ['IS'] };
export const NETWORK: Sender = { userId: '90-B3-D5-1F-30-03-00-01', partyId: 'DNO-X', partyType: 'network', roles: ['ED'] };
export const DSP_AS_USER: Sender = { userId: '90-B3-D5-1F-30-04-00-01', partyId: 'DSP', partyType: 'dsp', roles: [] };
export const DSP: Sender = { userId: 'dsp-integration', partyId: 'DSP', partyType: 'dsp', roles: [] };

export const ESME_SMETS2: DeviceDetails = {
  deviceType: 'ESME',
  manufacturer: '1063',
  model: '00050203',
  firmwareVersion: '38040404',
  smetsVersion: 'SMETS2',
  esmeVariant: 'A',
};
export const ESME_SMETS1: DeviceDetails = { ...ESME_SMETS2, smetsVersion: 'SMETS1' };
export const GSME_SMETS2: DeviceDetails = { ...ESME_SMETS2, deviceType: 'GSME', esmeVariant: null };
export const GSME_SMETS1: DeviceDetails = { ...GSME_SMETS2, smetsVersion: 'SMETS1' };

let counter = 1000;
const requestIdOf = (sender: Sender) => `${sender.userId}:${DEVICE}:${++counter}`;

export function preNotify(sender: Sender, details: Partial<DeviceDetails> = ESME_SMETS2): PreNotifyDevice {
  const { deviceType, manufacturer, model, firmwareVersion, smetsVersion, esmeVariant } = { ...ESME_SMETS2, ...details };
  return {
    type: 'PreNotifyDevice',
    requestId: requestIdOf(sender),
    sender,
    at: AT,
    deviceId: DEVICE,
    deviceType,
    manufacturer,
    model,
    firmwareVersion,
    smetsVersion,
    esmeVariant,
  };
}

export function update(sender: Sender, changes: InventoryChanges): UpdateInventory {
  return { type: 'UpdateInventory', requestId: requestIdOf(sender), sender, at: AT, deviceId: DEVICE, changes };
}

export function changeStatus(to: SmiStatus, sender: Sender = DSP): ChangeDeviceStatus {
  return { type: 'ChangeDeviceStatus', requestId: `dsp-${++counter}`, sender, at: AT, deviceId: DEVICE, to, reason: 'reported by the DSP' };
}

export function changeSupplier(supplier: Sender, sender: Sender = DSP): ChangeResponsibleSupplier {
  return {
    type: 'ChangeResponsibleSupplier',
    requestId: `dsp-${++counter}`,
    sender,
    at: AT,
    deviceId: DEVICE,
    supplierPartyId: supplier.partyId,
    supplierUserId: supplier.userId,
    effectiveFrom: '2024-06-01',
  };
}

// History events, written out as the decider records them (checked against it in the SR12.2 tests).
export function preNotified(details: DeviceDetails = ESME_SMETS2, status: SmiStatus = 'Pending', by: Sender = A1): DevicePreNotified {
  return { type: 'DevicePreNotified', deviceId: DEVICE, requestId: `${by.userId}:${DEVICE}:1`, sender: by, at: AT, serviceReference: '12.2', ...details, status };
}

export function statusChanged(from: SmiStatus, to: SmiStatus): DeviceStatusChanged {
  return { type: 'DeviceStatusChanged', deviceId: DEVICE, requestId: `dsp-${from}-${to}`, sender: DSP, at: AT, from, to, reason: 'reported by the DSP' };
}

export function supplierChanged(from: Sender, to: Sender): ResponsibleSupplierChanged {
  return {
    type: 'ResponsibleSupplierChanged',
    deviceId: DEVICE,
    requestId: 'dsp-cos',
    sender: DSP,
    at: AT,
    previousSupplier: from.partyId,
    previousSupplierUser: from.userId,
    supplier: to.partyId,
    supplierUser: to.userId,
    effectiveFrom: '2024-06-01',
  };
}

/** The check a Change of Supplier of a SMETS2 ESME asks of the gaining supplier (SECMP0125 §5.6), as the decider records it. */
export function checkRequired(
  from: Sender,
  to: Sender,
  options: { requestId?: string; status?: SmiStatus; esmeVariant?: EsmeVariant; movedFrom?: string | null } = {},
): EsmeVariantCheckRequired {
  return {
    type: 'EsmeVariantCheckRequired',
    deviceId: DEVICE,
    requestId: options.requestId ?? 'dsp-cos',
    sender: DSP,
    at: AT,
    status: options.status ?? 'Commissioned',
    gainingSupplier: to.partyId,
    gainingSupplierUser: to.userId,
    losingSupplier: from.partyId,
    esmeVariant: options.esmeVariant ?? 'A',
    movedFrom: options.movedFrom ?? null,
    effectiveFrom: '2024-06-01',
  };
}

/** Shortest path from Pending through the transition table, so histories follow the table. */
export function pathTo(status: SmiStatus): SmiStatus[] | undefined {
  const queue: SmiStatus[][] = [['Pending']];
  while (queue.length > 0) {
    const path = queue.shift() as SmiStatus[];
    const last = path[path.length - 1] as SmiStatus;
    if (last === status) return path;
    for (const t of STATUS_TRANSITIONS) if (t.from === last && !path.includes(t.to)) queue.push([...path, t.to]);
  }
  return undefined;
}

/**
 * A device's history up to `status`. NotApplicable is reached by no transition: the device is recorded
 * in it at pre-notification, as the decider configured with `type2InitialStatus: 'NotApplicable'` does.
 */
export function historyAt(status: SmiStatus, details: DeviceDetails = ESME_SMETS2, options: { cosTo?: Sender } = {}): DeviceEvent[] {
  const cos = options.cosTo ? [supplierChanged(A1, options.cosTo)] : [];
  const path = pathTo(status);
  if (path === undefined) return [preNotified(details, status), ...cos];
  const moves = path.slice(1).map((to, i) => statusChanged(path[i] as SmiStatus, to));
  return [preNotified(details), ...cos, ...moves];
}
