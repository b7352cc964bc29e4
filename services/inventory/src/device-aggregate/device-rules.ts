import { DomainError } from '@smi/decider';
import { ChangeDeviceStatus, ChangeResponsibleSupplier, PreNotifyDevice, UpdateInventory } from './device-commands';
import { DEVICE_ERRORS } from './device-errors';
import { DeviceEvent, DeviceEventBase, RefusalCode, ServiceReference } from './device-events';
import { assertStream, readInventoryUpdate, readPreNotification, readStatusChange, readSupplierChange } from './device-input';
import { Device, DeviceDetails, DeviceState, actualChanges, detailsOf, variantCheckApplies } from './device-state';
import { EsmeVariant, SmiStatus } from './identifiers';
import { STATUS_ON_PRENOTIFICATION, canTransition } from './status-transitions';

/*
 * The device rules (docs/domain.md "Service Requests", SECMP0125), in the order the documents give them:
 * SR12.2 Device Pre-notification, SR8.4 Update Inventory under the ESME Variant rules, Change of Supplier;
 * then the DSP's status changes, which follow the one transition table (status-transitions.ts). Within
 * each, the checks run in the order written: when several fail, the first answers.
 *
 * A Service Request always records its outcome: an accepted one what changed, a refused one
 * `ServiceRequestRefused` with its DUIS response code, so auditors can list every attempt. Only a request
 * that cannot be read at all records nothing (rule 1, in device-input.ts): it is answered before it
 * becomes a Service Request.
 *
 * Integration commands (status changes, Change of Supplier) are facts reported by the DSP; a refused one is
 * a DomainError and records nothing, because there is no DCC User waiting for a response.
 */

export interface DeviceRuleOptions {
  /**
   * Status given to a pre-notified Type 2 device. docs/domain.md says SR12.2 creates `Pending` for every
   * device, yet lists `NotApplicable (Type 2)` as a status; `Pending` is the default, `NotApplicable`
   * makes Type 2 devices inert (no transitions, SR8.4 refused E5).
   */
  type2InitialStatus: 'Pending' | 'NotApplicable';
}

/** Statuses after Pending in which SECMP0125 lets the Responsible Supplier correct the ESME Variant. */
export const VARIANT_CORRECTION_STATUSES: readonly SmiStatus[] = ['Whitelisted', 'InstalledNotCommissioned', 'Commissioned'];

/** A Change of Supplier makes no sense for a device that has left service. */
const NO_SUPPLIER_CHANGE_STATUSES: readonly SmiStatus[] = ['Decommissioned', 'Withdrawn'];

/** SR12.2: a supplier adds a device that is not yet in the SMI. */
export function preNotify(command: PreNotifyDevice, state: DeviceState, options: DeviceRuleOptions): DeviceEvent[] {
  const { base, details } = readPreNotification(command);
  assertStream(state, base.deviceId);
  const refuse = refusal(base, '12.2', state, details);

  if (base.sender.partyType !== 'supplier') return refuse('E2', `party type ${base.sender.partyType} may not pre-notify devices; only suppliers may`);
  // DUIS has no "already exists" code; E5 (status incompatible) says the device's SMI status, whatever it
  // is, rules out a pre-notification. Only the device's own parties are told which status that is.
  if (state.kind === 'device') {
    return refuse('E5', isDevicesParty(state, base) ? `device is already in the SMI with status ${state.status}` : 'device is already in the SMI');
  }
  const problem = deviceTypeProblem(details);
  if (problem !== undefined) return refuse('E11', problem);

  const status: SmiStatus = details.deviceType === 'TYPE2' ? options.type2InitialStatus : STATUS_ON_PRENOTIFICATION;
  return [{ type: 'DevicePreNotified', ...base, serviceReference: '12.2', ...details, status }];
}

/**
 * SR8.4, rules in docs/domain.md order (rule 1, malformed, is thrown while reading the request):
 *   2 sender not a supplier → E2; 3 device not in SMI, or the sender's party neither its Responsible
 *     Supplier nor the one that pre-notified it → E19 (so no supplier can probe for other suppliers' devices);
 *   4 Pending: only the pre-notifying user (DCC User ID), any detail → else E4;
 *   5 Whitelisted/InstalledNotCommissioned/Commissioned: see `correctVariant`;
 *   6 any other status → E5.
 * Authorisation comes before effect: a request that would change nothing is still refused when its
 * sender may not make it; once allowed, it succeeds (I0) with no event — unless the ESME Variant check after a
 * Change of Supplier is due for the sender's party and the request names the variant: then the check is
 * recorded (`variantCheck`).
 */
export function updateInventory(command: UpdateInventory, state: DeviceState): DeviceEvent[] {
  const { base, changes } = readInventoryUpdate(command);
  assertStream(state, base.deviceId);
  const refuse = refusal(base, '8.4', state, changes);

  if (base.sender.partyType !== 'supplier') return refuse('E2', `party type ${base.sender.partyType} may not update the inventory; only suppliers may`);
  if (state.kind !== 'device') return refuse('E19', DEVICE_NOT_IN_SMI);
  // Told apart from E19, E4 and E5 would let any supplier probe which devices exist and learn their state:
  // a supplier with no part in the device is answered as if it were not there.
  if (!isDevicesParty(state, base)) return refuse('E19', DEVICE_NOT_IN_SMI);

  const actual = actualChanges(state, changes);
  if (state.status === 'Pending') {
    if (base.sender.userId !== state.prenotifyingUser) {
      return refuse('E4', 'while Pending only the user who pre-notified the device may update it');
    }
    const problem = deviceTypeProblem({ ...detailsOf(state), ...changes });
    if (problem !== undefined) return refuse('E11', problem);
    const checked = variantCheck(base, state, changes, { ...detailsOf(state), ...changes });
    if (Object.keys(actual.changes).length === 0) return checked;
    return [{ type: 'InventoryUpdated', ...base, serviceReference: '8.4', status: state.status, ...actual }, ...checked];
  }
  if (VARIANT_CORRECTION_STATUSES.includes(state.status)) return correctVariant(base, state, changes, actual, refuse);
  return refuse('E5', `SMI status ${state.status} does not allow the device to be updated`);
}

/**
 * Rule 5 (SECMP0125). When several checks fail, the first in this order answers — the order docs/domain.md
 * lists them in: another field actually changing → E5; device not an ESME → E11; SMETS1 → E5; sender's
 * party not the current Responsible Supplier → E4. Last, removing the variant of an ESME → E11, since an
 * ESME must carry one. Then the correction, and the variant check when one is due for the sender's party.
 */
function correctVariant(
  base: DeviceEventBase,
  device: Device,
  requested: Partial<DeviceDetails>,
  actual: ReturnType<typeof actualChanges>,
  refuse: Refuse,
): DeviceEvent[] {
  const others = Object.keys(actual.changes).filter((field) => field !== 'esmeVariant');
  if (others.length > 0) return refuse('E5', `SMI status ${device.status} allows only the ESME Variant to change, not ${others.join(', ')}`);
  if (device.deviceType !== 'ESME') return refuse('E11', `only an ESME carries an ESME Variant, not a ${device.deviceType}`);
  if (device.smetsVersion === 'SMETS1') return refuse('E5', `the ESME Variant of a SMETS1 device cannot be corrected once it has left Pending`);
  if (base.sender.partyId !== device.responsibleSupplier) {
    return refuse('E4', `party ${base.sender.partyId} is not the Responsible Supplier of the device`);
  }
  const to = actual.changes.esmeVariant;
  if (to === null) return refuse('E11', 'an ESME must carry an ESME Variant');
  const checked = variantCheck(base, device, requested, { ...detailsOf(device), esmeVariant: to ?? device.esmeVariant });
  if (to === undefined) return checked;
  return [{ type: 'EsmeVariantCorrected', ...base, serviceReference: '8.4', status: device.status, from: device.esmeVariant, to }, ...checked];
}

/**
 * SECMP0125 §5.6 (docs/domain.md "Change of Supplier: the gaining supplier checks the ESME Variant"): an accepted
 * SR8.4 that names the ESME Variant, from the party the check is due for, is that check — `confirmed` when it sends
 * the variant the device holds (nothing else is recorded), `corrected` when it changes it. Any other request, or
 * one for a device with no check due for the sender's party, records no check.
 */
function variantCheck(base: DeviceEventBase, device: Device, requested: Partial<DeviceDetails>, after: DeviceDetails): DeviceEvent[] {
  if (device.variantCheckDueBy === null || device.variantCheckDueBy !== base.sender.partyId || requested.esmeVariant === undefined) return [];
  const variant = after.esmeVariant;
  if (after.deviceType !== 'ESME' || after.smetsVersion !== 'SMETS2' || variant === null) return [];
  const previousVariant: EsmeVariant = device.esmeVariant ?? variant;
  return [
    {
      type: 'EsmeVariantChecked',
      ...base,
      serviceReference: '8.4',
      status: device.status,
      supplier: base.sender.partyId,
      outcome: variant === previousVariant ? 'confirmed' : 'corrected',
      esmeVariant: variant,
      previousVariant,
    },
  ];
}

/**
 * Change of Supplier, reported by the DSP: the gaining supplier becomes the Responsible Supplier. On a SMETS2 ESME
 * still in service the gaining party is to check the ESME Variant (SECMP0125 §5.6): `EsmeVariantCheckRequired`,
 * which also takes a check still due from the party before (a user of the same party changes nothing of it).
 */
export function changeSupplier(command: ChangeResponsibleSupplier, state: DeviceState): DeviceEvent[] {
  const { base, supplier, supplierUser, effectiveFrom } = readSupplierChange(command);
  const device = existingDevice(state, base);
  if (NO_SUPPLIER_CHANGE_STATUSES.includes(device.status)) {
    throw new DomainError(DEVICE_ERRORS.STATUS_INCOMPATIBLE, `a ${device.status} device cannot change supplier`, { status: device.status });
  }
  // The Responsible Supplier is the party; a user id only refines it, so leaving it out keeps the one held.
  if (supplier === device.responsibleSupplier && (supplierUser === null || supplierUser === device.responsibleSupplierUser)) return [];
  const changed: DeviceEvent = {
    type: 'ResponsibleSupplierChanged',
    ...base,
    previousSupplier: device.responsibleSupplier,
    previousSupplierUser: device.responsibleSupplierUser,
    supplier,
    supplierUser,
    effectiveFrom,
  };
  if (supplier === device.responsibleSupplier || !variantCheckApplies(device) || device.esmeVariant === null) return [changed];
  return [
    changed,
    {
      type: 'EsmeVariantCheckRequired',
      ...base,
      status: device.status,
      gainingSupplier: supplier,
      gainingSupplierUser: supplierUser,
      losingSupplier: device.responsibleSupplier,
      esmeVariant: device.esmeVariant,
      movedFrom: device.variantCheckDueBy,
      effectiveFrom,
    },
  ];
}

/** A status change reported by the DSP: only moves in the transition table. */
export function changeStatus(command: ChangeDeviceStatus, state: DeviceState): DeviceEvent[] {
  const { base, to, reason } = readStatusChange(command);
  const device = existingDevice(state, base);
  // Reporting the status the device already has is a harmless repeat (e.g. a redelivered message), not
  // a transition: nothing to record.
  if (device.status === to) return [];
  if (!canTransition(device.status, to)) {
    throw new DomainError(DEVICE_ERRORS.TRANSITION_NOT_ALLOWED, `SMI status cannot change from ${device.status} to ${to}`, {
      from: device.status,
      to,
    });
  }
  return [{ type: 'DeviceStatusChanged', ...base, from: device.status, to, reason }];
}

/**
 * Why a set of details does not fit its device type (response E11), or `undefined` when it does.
 * Applied to the details a device would have after the request, so SR12.2 and SR8.4 agree: moving a
 * device away from ESME needs `esmeVariant: null` in the same request, moving one to ESME needs a variant.
 */
export function deviceTypeProblem(details: DeviceDetails): string | undefined {
  const { deviceType, esmeVariant, firmwareVersion } = details;
  if (deviceType === 'ESME' && esmeVariant === null) return 'an ESME must carry an ESME Variant';
  if (deviceType !== 'ESME' && esmeVariant !== null) return `only an ESME carries an ESME Variant, not a ${deviceType}`;
  if (deviceType === 'TYPE2' && firmwareVersion !== null) return 'a Type 2 device holds no firmware version';
  if (deviceType !== 'TYPE2' && firmwareVersion === null) return `a ${deviceType} must carry a firmware version`;
  return undefined;
}

type Refuse = (code: RefusalCode, reason: string) => DeviceEvent[];

const DEVICE_NOT_IN_SMI = 'device is not in the SMI';

/** The parties that know the device: its Responsible Supplier and the supplier that pre-notified it. */
function isDevicesParty(device: Device, base: DeviceEventBase): boolean {
  return base.sender.partyId === device.responsibleSupplier || base.sender.partyId === device.prenotifyingParty;
}

/** How a Service Request is refused: one `ServiceRequestRefused` naming the code, the reason and what was asked. */
function refusal(base: DeviceEventBase, serviceReference: ServiceReference, state: DeviceState, requested: Partial<DeviceDetails>): Refuse {
  return (responseCode, reason) => [
    {
      type: 'ServiceRequestRefused',
      ...base,
      serviceReference,
      responseCode,
      reason,
      status: state.kind === 'device' ? state.status : null,
      requested,
    },
  ];
}

/** DSP commands are about devices in the SMI; one for an unknown device is refused with nothing recorded. */
function existingDevice(state: DeviceState, base: DeviceEventBase): Device {
  if (state.kind !== 'device') throw new DomainError(DEVICE_ERRORS.DEVICE_NOT_FOUND, `device ${base.deviceId} is not in the SMI`, { deviceId: base.deviceId });
  assertStream(state, base.deviceId);
  return state;
}
