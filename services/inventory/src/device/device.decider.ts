import { Decider, DomainError } from '@smi/decider';
import {
  DccUserId,
  DeviceId,
  DeviceType,
  EsmeVariant,
  PartyType,
  SmetsVersion,
  SmiStatus,
  normaliseDccUserId,
  normaliseDeviceId,
  normaliseDeviceType,
  normaliseEsmeVariant,
  normaliseFirmwareVersion,
  normaliseManufacturerId,
  normaliseModelId,
  normaliseRequestId,
  normaliseSmetsVersion,
  normaliseSmiStatus,
  requestIdProblem,
} from './identifiers';
import { STATUS_ON_PRENOTIFICATION, canTransition } from './status-transitions';

/*
 * One device in the Smart Metering Inventory, stream `device-<Device ID>`.
 *
 * Service Requests (SR12.2 pre-notification, SR8.4 update inventory) always record their outcome: an
 * accepted request records what changed, a refused one records `ServiceRequestRefused` with its DUIS
 * response code, so auditors can list every attempt. Only a request that cannot be read at all (MALFORMED)
 * records nothing: it is answered 400 before it becomes a Service Request.
 *
 * Integration commands (status changes, Change of Supplier, from the DSP) are facts reported to us; a
 * refused one is a DomainError and records nothing, because there is no DCC User waiting for a response.
 *
 * Absent optional values are `null`, never `undefined`, so events survive a JSON round trip unchanged.
 */

// ---------------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------------

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
}

export interface NotInSmi {
  kind: 'not-in-smi';
}

export type DeviceState = NotInSmi | Device;

// ---------------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------------

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
export type DeviceCommand = ServiceRequestCommand | ChangeDeviceStatus | ChangeResponsibleSupplier;

// ---------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------

export type ServiceReference = '12.2' | '8.4';

/** DUIS-style response codes (domain.md "Service Requests"). */
export type ResponseCode = 'I0' | 'E1' | 'E2' | 'E3' | 'E4' | 'E5' | 'E11' | 'E12' | 'E19';
export type RefusalCode = Exclude<ResponseCode, 'I0'>;

interface EventBase {
  deviceId: DeviceId;
  requestId: string;
  sender: Sender;
  at: string;
}

export interface DevicePreNotified extends EventBase, DeviceDetails {
  type: 'DevicePreNotified';
  serviceReference: '12.2';
  status: SmiStatus;
}

/** SR8.4 accepted while Pending: only fields that actually changed, with their previous values. */
export interface InventoryUpdated extends EventBase {
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
export interface EsmeVariantCorrected extends EventBase {
  type: 'EsmeVariantCorrected';
  serviceReference: '8.4';
  status: SmiStatus;
  from: EsmeVariant | null;
  to: EsmeVariant;
}

export interface ServiceRequestRefused extends EventBase {
  type: 'ServiceRequestRefused';
  serviceReference: ServiceReference;
  responseCode: RefusalCode;
  reason: string;
  /** The device's status when refused; `null` when it is not in the SMI. */
  status: SmiStatus | null;
  /** What was asked for, normalised: the SR12.2 details or the SR8.4 changes. */
  requested: Partial<DeviceDetails>;
}

export interface DeviceStatusChanged extends EventBase {
  type: 'DeviceStatusChanged';
  from: SmiStatus;
  to: SmiStatus;
  reason: string;
}

export interface ResponsibleSupplierChanged extends EventBase {
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

// ---------------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------------

/** Codes of the DomainErrors thrown by this decider (nothing is recorded when one is thrown). */
export const DEVICE_ERRORS = {
  MALFORMED: 'MALFORMED',
  FORBIDDEN: 'FORBIDDEN',
  DEVICE_NOT_FOUND: 'DEVICE_NOT_FOUND',
  TRANSITION_NOT_ALLOWED: 'TRANSITION_NOT_ALLOWED',
  STATUS_INCOMPATIBLE: 'STATUS_INCOMPATIBLE',
  WRONG_STREAM: 'WRONG_STREAM',
} as const;

/** Statuses after Pending in which SECMP0125 lets the Responsible Supplier correct the ESME Variant. */
export const VARIANT_CORRECTION_STATUSES: readonly SmiStatus[] = ['Whitelisted', 'InstalledNotCommissioned', 'Commissioned'];

/** A Change of Supplier makes no sense for a device that has left service. */
const NO_SUPPLIER_CHANGE_STATUSES: readonly SmiStatus[] = ['Decommissioned', 'Withdrawn'];

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

export interface DeviceDeciderOptions {
  /**
   * Status given to a pre-notified Type 2 device. domain.md says SR12.2 creates `Pending` for every
   * device, yet lists `NotApplicable (Type 2)` as a status; `Pending` is the default, `NotApplicable`
   * makes Type 2 devices inert (no transitions, SR8.4 refused E5).
   */
  type2InitialStatus: 'Pending' | 'NotApplicable';
}

const DEFAULT_OPTIONS: DeviceDeciderOptions = { type2InitialStatus: 'Pending' };

export function createDeviceDecider(options: Partial<DeviceDeciderOptions> = {}): Decider<DeviceCommand, DeviceState, DeviceEvent> {
  const settings: DeviceDeciderOptions = { ...DEFAULT_OPTIONS, ...options };
  return {
    initialState: () => ({ kind: 'not-in-smi' }),
    evolve,
    decide: (command, state) => {
      switch (command.type) {
        case 'PreNotifyDevice':
          return preNotify(command, state, settings);
        case 'UpdateInventory':
          return updateInventory(command, state);
        case 'ChangeDeviceStatus':
          return changeStatus(command, state);
        case 'ChangeResponsibleSupplier':
          return changeSupplier(command, state);
        default:
          throw new DomainError(DEVICE_ERRORS.MALFORMED, `unknown command ${String((command as { type?: unknown }).type)}`);
      }
    },
  };
}

export const deviceDecider = createDeviceDecider();

function preNotify(command: PreNotifyDevice, state: DeviceState, settings: DeviceDeciderOptions): DeviceEvent[] {
  const base = serviceRequestBase(command);
  const details: DeviceDetails = {
    deviceType: normaliseDeviceType(command.deviceType),
    manufacturer: normaliseManufacturerId(command.manufacturer),
    model: normaliseModelId(command.model),
    firmwareVersion: command.firmwareVersion == null ? null : normaliseFirmwareVersion(command.firmwareVersion),
    smetsVersion: normaliseSmetsVersion(command.smetsVersion),
    esmeVariant: command.esmeVariant == null ? null : normaliseEsmeVariant(command.esmeVariant),
  };
  assertStream(state, base.deviceId);
  const refuse = refusal(base, '12.2', state, details);

  if (base.sender.partyType !== 'supplier') return refuse('E2', `party type ${base.sender.partyType} may not pre-notify devices; only suppliers may`);
  // DUIS has no "already exists" code; E5 (status incompatible) says the device's SMI status, whatever it
  // is, rules out a pre-notification.
  if (state.kind === 'device') return refuse('E5', `device is already in the SMI with status ${state.status}`);
  const problem = deviceTypeProblem(details);
  if (problem !== undefined) return refuse('E11', problem);

  const status: SmiStatus = details.deviceType === 'TYPE2' ? settings.type2InitialStatus : STATUS_ON_PRENOTIFICATION;
  return [{ type: 'DevicePreNotified', ...base, serviceReference: '12.2', ...details, status }];
}

/**
 * SR8.4, rules in domain.md order (rule 1, malformed, is thrown by `serviceRequestBase`/`normaliseChanges`):
 *   2 sender not a supplier → E2; 3 device not in SMI → E19;
 *   4 Pending: only the pre-notifying user (DCC User ID), any detail → else E4;
 *   5 Whitelisted/InstalledNotCommissioned/Commissioned: see `correctVariant`;
 *   6 any other status → E5.
 * Authorisation comes before effect: a request that would change nothing is still refused when its
 * sender may not make it; once allowed, it succeeds (I0) with no event.
 */
function updateInventory(command: UpdateInventory, state: DeviceState): DeviceEvent[] {
  const base = serviceRequestBase(command);
  const changes = normaliseChanges(command.changes);
  assertStream(state, base.deviceId);
  const refuse = refusal(base, '8.4', state, changes);

  if (base.sender.partyType !== 'supplier') return refuse('E2', `party type ${base.sender.partyType} may not update the inventory; only suppliers may`);
  if (state.kind !== 'device') return refuse('E19', 'device is not in the SMI');

  const actual = actualChanges(state, changes);
  if (state.status === 'Pending') {
    if (base.sender.userId !== state.prenotifyingUser) {
      return refuse('E4', `while Pending only the pre-notifying user ${state.prenotifyingUser} may update the device`);
    }
    const problem = deviceTypeProblem({ ...detailsOf(state), ...changes });
    if (problem !== undefined) return refuse('E11', problem);
    if (Object.keys(actual.changes).length === 0) return [];
    return [{ type: 'InventoryUpdated', ...base, serviceReference: '8.4', status: state.status, ...actual }];
  }
  if (VARIANT_CORRECTION_STATUSES.includes(state.status)) return correctVariant(base, state, actual, refuse);
  return refuse('E5', `SMI status ${state.status} does not allow the device to be updated`);
}

/**
 * Rule 5 (SECMP0125). When several checks fail, the first in this order answers — the order domain.md
 * lists them in: another field actually changing → E5; device not an ESME → E11; SMETS1 → E5; sender's
 * party not the current Responsible Supplier → E4. Last, removing the variant of an ESME → E11, since an
 * ESME must carry one.
 */
function correctVariant(
  base: ReturnType<typeof serviceRequestBase>,
  device: Device,
  actual: { changes: Partial<DeviceDetails>; previous: Partial<DeviceDetails> },
  refuse: (code: RefusalCode, reason: string) => DeviceEvent[],
): DeviceEvent[] {
  const others = Object.keys(actual.changes).filter((field) => field !== 'esmeVariant');
  if (others.length > 0) return refuse('E5', `SMI status ${device.status} allows only the ESME Variant to change, not ${others.join(', ')}`);
  if (device.deviceType !== 'ESME') return refuse('E11', `only an ESME carries an ESME Variant, not a ${device.deviceType}`);
  if (device.smetsVersion === 'SMETS1') return refuse('E5', `the ESME Variant of a SMETS1 device cannot be corrected once it has left Pending`);
  if (base.sender.partyId !== device.responsibleSupplier) {
    return refuse('E4', `party ${base.sender.partyId} is not the Responsible Supplier of the device`);
  }
  const to = actual.changes.esmeVariant;
  if (to === undefined) return [];
  if (to === null) return refuse('E11', 'an ESME must carry an ESME Variant');
  return [{ type: 'EsmeVariantCorrected', ...base, serviceReference: '8.4', status: device.status, from: device.esmeVariant, to }];
}

function changeStatus(command: ChangeDeviceStatus, state: DeviceState): DeviceEvent[] {
  const base = integrationBase(command);
  const to = normaliseSmiStatus(command.to, 'to');
  const reason = requiredText(command.reason, 'reason');
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

function changeSupplier(command: ChangeResponsibleSupplier, state: DeviceState): DeviceEvent[] {
  const base = integrationBase(command);
  const supplier = requiredText(command.supplierPartyId, 'supplierPartyId');
  const supplierUser = command.supplierUserId == null ? null : normaliseDccUserId(command.supplierUserId, 'supplierUserId');
  const effectiveFrom = isoDate(command.effectiveFrom, 'effectiveFrom');
  const device = existingDevice(state, base);
  if (NO_SUPPLIER_CHANGE_STATUSES.includes(device.status)) {
    throw new DomainError(DEVICE_ERRORS.STATUS_INCOMPATIBLE, `a ${device.status} device cannot change supplier`, { status: device.status });
  }
  // The Responsible Supplier is the party; a user id only refines it, so leaving it out keeps the one held.
  if (supplier === device.responsibleSupplier && (supplierUser === null || supplierUser === device.responsibleSupplierUser)) return [];
  return [
    {
      type: 'ResponsibleSupplierChanged',
      ...base,
      previousSupplier: device.responsibleSupplier,
      previousSupplierUser: device.responsibleSupplierUser,
      supplier,
      supplierUser,
      effectiveFrom,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// Evolve
// ---------------------------------------------------------------------------------------------------

function evolve(state: DeviceState, event: DeviceEvent): DeviceState {
  switch (event.type) {
    case 'DevicePreNotified':
      return {
        kind: 'device',
        deviceId: event.deviceId,
        deviceType: event.deviceType,
        manufacturer: event.manufacturer,
        model: event.model,
        firmwareVersion: event.firmwareVersion,
        smetsVersion: event.smetsVersion,
        esmeVariant: event.esmeVariant,
        status: event.status,
        prenotifyingUser: event.sender.userId,
        prenotifyingParty: event.sender.partyId,
        responsibleSupplier: event.sender.partyId,
        responsibleSupplierUser: event.sender.userId,
      };
    case 'ServiceRequestRefused':
      return state;
    default:
      // History is fact: an event for a device not (yet) in the SMI cannot be undone, so it is skipped
      // rather than making the whole stream unreadable.
      if (state.kind !== 'device') return state;
      switch (event.type) {
        case 'InventoryUpdated':
          return { ...state, ...event.changes };
        case 'EsmeVariantCorrected':
          return { ...state, esmeVariant: event.to };
        case 'DeviceStatusChanged':
          return { ...state, status: event.to };
        case 'ResponsibleSupplierChanged':
          return { ...state, responsibleSupplier: event.supplier, responsibleSupplierUser: event.supplierUser };
      }
  }
}

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

export interface ServiceResponse {
  requestId: string;
  serviceReference: ServiceReference;
  responseCode: ResponseCode;
  message: string;
}

/**
 * The DUIS response to a Service Request, derived from the events its decision produced: a refusal
 * event carries its code, anything else (including no event at all) is I0. The handler stores it under
 * the RequestID so a retry gets the same answer.
 */
export function respond(command: ServiceRequestCommand, events: readonly DeviceEvent[]): ServiceResponse {
  const requestId = normaliseRequestId(command.requestId);
  const serviceReference: ServiceReference = command.type === 'PreNotifyDevice' ? '12.2' : '8.4';
  const refused = events.find((e): e is ServiceRequestRefused => e.type === 'ServiceRequestRefused');
  if (refused) return { requestId, serviceReference, responseCode: refused.responseCode, message: refused.reason };
  return { requestId, serviceReference, responseCode: 'I0', message: successMessage(events) };
}

/** Decides a Service Request and answers it: the usual entry point for the SR12.2 and SR8.4 handlers. */
export function decideServiceRequest(
  command: ServiceRequestCommand,
  state: DeviceState,
  decider: Decider<DeviceCommand, DeviceState, DeviceEvent> = deviceDecider,
): { response: ServiceResponse; events: DeviceEvent[] } {
  const events = decider.decide(command, state);
  return { response: respond(command, events), events };
}

function successMessage(events: readonly DeviceEvent[]): string {
  const [event] = events;
  switch (event?.type) {
    case 'DevicePreNotified':
      return `device pre-notified with SMI status ${event.status}`;
    case 'InventoryUpdated':
      return `inventory updated: ${Object.keys(event.changes).join(', ')}`;
    case 'EsmeVariantCorrected':
      return `ESME Variant corrected from ${event.from ?? 'none'} to ${event.to}`;
    default:
      return 'no change: the device already holds these details';
  }
}

// ---------------------------------------------------------------------------------------------------
// Defences (rule 1: the DTO validates first, the decider still refuses what it cannot read)
// ---------------------------------------------------------------------------------------------------

function serviceRequestBase(command: ServiceRequestCommand): EventBase {
  const deviceId = normaliseDeviceId(command.deviceId);
  const sender = readSender(command.sender, (userId) => normaliseDccUserId(userId, 'sender.userId'));
  const requestId = normaliseRequestId(command.requestId);
  const problem = requestIdProblem(requestId, { deviceId, userId: sender.userId });
  if (problem !== undefined) throw new DomainError(DEVICE_ERRORS.MALFORMED, problem, { field: 'requestId', value: command.requestId });
  return { deviceId, requestId, sender, at: isoDateTime(command.at, 'at') };
}

/** Integration messages carry their own ids, not DUIS RequestIDs. */
function integrationBase(command: ChangeDeviceStatus | ChangeResponsibleSupplier): EventBase {
  const deviceId = normaliseDeviceId(command.deviceId);
  const sender = readSender(command.sender, (userId) => requiredText(userId, 'sender.userId'));
  const requestId = requiredText(command.requestId, 'requestId');
  const at = isoDateTime(command.at, 'at');
  if (sender.partyType !== 'dsp') {
    throw new DomainError(DEVICE_ERRORS.FORBIDDEN, `only the DSP integration may report ${command.type}, not party type ${sender.partyType}`, {
      partyType: sender.partyType,
    });
  }
  return { deviceId, requestId, sender, at };
}

function existingDevice(state: DeviceState, base: EventBase): Device {
  if (state.kind !== 'device') throw new DomainError(DEVICE_ERRORS.DEVICE_NOT_FOUND, `device ${base.deviceId} is not in the SMI`, { deviceId: base.deviceId });
  assertStream(state, base.deviceId);
  return state;
}

/** Guards against a handler that loaded another device's stream. */
function assertStream(state: DeviceState, deviceId: DeviceId): void {
  if (state.kind === 'device' && state.deviceId !== deviceId) {
    throw new DomainError(DEVICE_ERRORS.WRONG_STREAM, `command for ${deviceId} decided against device ${state.deviceId}`, {
      deviceId,
      stateDeviceId: state.deviceId,
    });
  }
}

function readSender(input: unknown, userId: (value: unknown) => string): Sender {
  if (typeof input !== 'object' || input === null) throw malformed('sender', input, 'an object');
  const raw = input as Record<string, unknown>;
  const roles = raw['roles'];
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) throw malformed('sender.roles', roles, 'a list of role codes');
  return {
    userId: userId(raw['userId']),
    partyId: requiredText(raw['partyId'], 'sender.partyId'),
    // An unknown party type is not malformed: it is simply not one the rules permit.
    partyType: requiredText(raw['partyType'], 'sender.partyType') as PartyType,
    roles: [...(roles as string[])],
  };
}

function normaliseChanges(input: unknown): Partial<DeviceDetails> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw malformed('changes', input, 'an object');
  const raw = input as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((key) => !(DETAIL_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) throw malformed(`changes.${unknown[0]}`, raw[unknown[0] as string], `one of the fields ${DETAIL_FIELDS.join(', ')}`);
  const changes: Partial<DeviceDetails> = {};
  for (const field of DETAIL_FIELDS) {
    const value = raw[field];
    if (value === undefined) continue;
    const name = `changes.${field}`;
    switch (field) {
      case 'deviceType':
        changes.deviceType = normaliseDeviceType(value, name);
        break;
      case 'manufacturer':
        changes.manufacturer = normaliseManufacturerId(value, name);
        break;
      case 'model':
        changes.model = normaliseModelId(value, name);
        break;
      case 'firmwareVersion':
        changes.firmwareVersion = value === null ? null : normaliseFirmwareVersion(value, name);
        break;
      case 'smetsVersion':
        changes.smetsVersion = normaliseSmetsVersion(value, name);
        break;
      case 'esmeVariant':
        changes.esmeVariant = value === null ? null : normaliseEsmeVariant(value, name);
        break;
    }
  }
  if (Object.keys(changes).length === 0) throw malformed('changes', input, `at least one of ${DETAIL_FIELDS.join(', ')}`);
  return changes;
}

function actualChanges(device: Device, requested: Partial<DeviceDetails>): { changes: Partial<DeviceDetails>; previous: Partial<DeviceDetails> } {
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

function detailsOf(device: Device): DeviceDetails {
  const { deviceType, manufacturer, model, firmwareVersion, smetsVersion, esmeVariant } = device;
  return { deviceType, manufacturer, model, firmwareVersion, smetsVersion, esmeVariant };
}

function refusal(base: EventBase, serviceReference: ServiceReference, state: DeviceState, requested: Partial<DeviceDetails>) {
  return (responseCode: RefusalCode, reason: string): DeviceEvent[] => [
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

function requiredText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw malformed(field, value, 'non-empty text');
  return value;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isoDateTime(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw malformed(field, value, 'an ISO 8601 date-time with a zone, e.g. 2024-05-01T09:30:00Z');
  }
  return value;
}

function isoDate(value: unknown, field: string): string {
  if (typeof value === 'string' && ISO_DATE.test(value)) {
    // Date.parse accepts 2024-02-30 by rolling over; a round trip catches it.
    const parsed = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value)) return value;
  }
  if (typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return value;
  throw malformed(field, value, 'an ISO 8601 date (or date-time)');
}

function malformed(field: string, value: unknown, expected: string): DomainError {
  return new DomainError(DEVICE_ERRORS.MALFORMED, `${field} must be ${expected}`, { field, value });
}
