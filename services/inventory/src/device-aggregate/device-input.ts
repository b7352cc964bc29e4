import { DomainError } from '@smi/decider';
import { ChangeDeviceStatus, ChangeResponsibleSupplier, PreNotifyDevice, Sender, ServiceRequestCommand, UpdateInventory } from './device-commands';
import { DEVICE_ERRORS } from './device-errors';
import { DeviceEventBase } from './device-events';
import { DETAIL_FIELDS, DeviceDetails, DeviceState } from './device-state';
import {
  DccUserId,
  DeviceId,
  PartyType,
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

/*
 * Input checks (rule 1 of docs/domain.md "Service Requests"): the DTOs validate first, the decider still
 * refuses what it cannot read, throwing DomainError(MALFORMED) so nothing is recorded. Each check returns the
 * value in canonical form, so the rules and the events only ever see normalised input.
 */

/** SR12.2 read: who asks, about which device, and the details in canonical form. */
export function readPreNotification(command: PreNotifyDevice): { base: DeviceEventBase; details: DeviceDetails } {
  const base = serviceRequestBase(command);
  return { base, details: normaliseDetails(command) };
}

/** SR8.4 read: who asks, about which device, and the changes in canonical form. */
export function readInventoryUpdate(command: UpdateInventory): { base: DeviceEventBase; changes: Partial<DeviceDetails> } {
  const base = serviceRequestBase(command);
  return { base, changes: normaliseChanges(command.changes) };
}

/** A DSP status change read: the status moved to and why. */
export function readStatusChange(command: ChangeDeviceStatus): { base: DeviceEventBase; to: SmiStatus; reason: string } {
  const base = integrationBase(command);
  const to = normaliseSmiStatus(command.to, 'to');
  return { base, to, reason: requiredText(command.reason, 'reason') };
}

/** A DSP Change of Supplier read: the gaining supplier (party, optionally user) and from when. */
export function readSupplierChange(command: ChangeResponsibleSupplier): {
  base: DeviceEventBase;
  supplier: string;
  supplierUser: DccUserId | null;
  effectiveFrom: string;
} {
  const base = integrationBase(command);
  const supplier = requiredText(command.supplierPartyId, 'supplierPartyId');
  const supplierUser = command.supplierUserId == null ? null : normaliseDccUserId(command.supplierUserId, 'supplierUserId');
  return { base, supplier, supplierUser, effectiveFrom: isoDate(command.effectiveFrom, 'effectiveFrom') };
}

/** Guards against a handler that loaded another device's stream. */
export function assertStream(state: DeviceState, deviceId: DeviceId): void {
  if (state.kind === 'device' && state.deviceId !== deviceId) {
    throw new DomainError(DEVICE_ERRORS.WRONG_STREAM, `command for ${deviceId} decided against device ${state.deviceId}`, {
      deviceId,
      stateDeviceId: state.deviceId,
    });
  }
}

/** The sender, RequestID, device and time of a Service Request; its RequestID must name the device and the sender. */
function serviceRequestBase(command: ServiceRequestCommand): DeviceEventBase {
  const deviceId = normaliseDeviceId(command.deviceId);
  const sender = readSender(command.sender, (userId) => normaliseDccUserId(userId, 'sender.userId'));
  const requestId = normaliseRequestId(command.requestId);
  const problem = requestIdProblem(requestId, { deviceId, userId: sender.userId });
  if (problem !== undefined) throw new DomainError(DEVICE_ERRORS.MALFORMED, problem, { field: 'requestId', value: command.requestId });
  return { deviceId, requestId, sender, at: isoDateTime(command.at, 'at') };
}

/** Integration messages carry their own ids, not DUIS RequestIDs, and only the DSP integration may send them. */
function integrationBase(command: ChangeDeviceStatus | ChangeResponsibleSupplier): DeviceEventBase {
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

/** The SR12.2 details in canonical form. */
function normaliseDetails(command: PreNotifyDevice): DeviceDetails {
  return {
    deviceType: normaliseDeviceType(command.deviceType),
    manufacturer: normaliseManufacturerId(command.manufacturer),
    model: normaliseModelId(command.model),
    firmwareVersion: command.firmwareVersion == null ? null : normaliseFirmwareVersion(command.firmwareVersion),
    smetsVersion: normaliseSmetsVersion(command.smetsVersion),
    esmeVariant: command.esmeVariant == null ? null : normaliseEsmeVariant(command.esmeVariant),
  };
}

/** The SR8.4 changes in canonical form: at least one known field, `null` clearing an optional one. */
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

function requiredText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw malformed(field, value, 'non-empty text');
  return value;
}

/** An ISO date, or date-time, that exists (2024-02-30 is refused). */
function isoDate(value: unknown, field: string): string {
  if (typeof value === 'string' && ISO_DATE.test(value)) {
    // Date.parse accepts 2024-02-30 by rolling over; a round trip catches it.
    const parsed = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value)) return value;
  }
  if (typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return value;
  throw malformed(field, value, 'an ISO 8601 date (or date-time)');
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

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isoDateTime(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw malformed(field, value, 'an ISO 8601 date-time with a zone, e.g. 2024-05-01T09:30:00Z');
  }
  return value;
}

function malformed(field: string, value: unknown, expected: string): DomainError {
  return new DomainError(DEVICE_ERRORS.MALFORMED, `${field} must be ${expected}`, { field, value });
}
