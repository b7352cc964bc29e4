import type { PartyType } from '@smi/auth';
import { DEVICE_TYPES, ESME_VARIANTS, SMETS_VERSIONS, SMI_STATUSES } from '@smi/contracts';
import { DomainError } from '@smi/decider';

/**
 * Identifier formats and closed vocabularies of the Smart Metering Inventory.
 *
 * Two flavours for every format: `parseX(input)` answers `undefined` for anything not acceptable (for DTO
 * validation that collects field errors), `normaliseX(input)` throws `DomainError('MALFORMED')` (for the
 * decider, which must defend itself even though requests are validated before they reach it).
 */

// ---------------------------------------------------------------------------------------------------
// EUI-64 (Device ID, DCC User ID)
// ---------------------------------------------------------------------------------------------------

/** Canonical form: eight upper-case hex pairs joined by `-`, e.g. `00-DB-12-34-56-78-90-A0`. */
export type Eui64 = string;
export type DeviceId = Eui64;
export type DccUserId = Eui64;

// Either all seven dashes or none: a half-dashed value is more likely a typo than a different notation.
const EUI64_DASHED = /^[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){7}$/;
const EUI64_PLAIN = /^[0-9A-Fa-f]{16}$/;

const EUI64_CANONICAL = /^[0-9A-F]{2}(?:-[0-9A-F]{2}){7}$/;

export function parseEui64(input: unknown): Eui64 | undefined {
  if (typeof input !== 'string') return undefined;
  // Already canonical (every id once it is inside the service, checked again at each layer): one test, no copies.
  if (EUI64_CANONICAL.test(input)) return input;
  if (!EUI64_DASHED.test(input) && !EUI64_PLAIN.test(input)) return undefined;
  const hex = input.replace(/-/g, '').toUpperCase();
  const pairs: string[] = [];
  for (let i = 0; i < hex.length; i += 2) pairs.push(hex.slice(i, i + 2));
  return pairs.join('-');
}

export function isEui64(input: unknown): boolean {
  return parseEui64(input) !== undefined;
}

export function normaliseEui64(input: unknown, field = 'EUI-64'): Eui64 {
  const value = parseEui64(input);
  if (value === undefined) throw malformed(field, input, 'an EUI-64: 16 hex digits, optionally as 8 pairs joined by "-"');
  return value;
}

export const parseDeviceId = parseEui64;
export const parseDccUserId = parseEui64;
export const normaliseDeviceId = (input: unknown): DeviceId => normaliseEui64(input, 'deviceId');
export const normaliseDccUserId = (input: unknown, field = 'userId'): DccUserId => normaliseEui64(input, field);

/** Event stream of one device: `device-<Device ID>` with the canonical Device ID. */
export function deviceStreamId(deviceId: string): string {
  return `device-${normaliseDeviceId(deviceId)}`;
}

// ---------------------------------------------------------------------------------------------------
// Fixed-width hex identifiers (manufacturer, model, firmware version)
// ---------------------------------------------------------------------------------------------------

function fixedHex(length: number) {
  const pattern = new RegExp(`^[0-9A-Fa-f]{${length}}$`);
  return (input: unknown): string | undefined =>
    typeof input === 'string' && pattern.test(input) ? input.toUpperCase() : undefined;
}

/** Device Manufacturer id: 4 hex chars, e.g. `1063`. */
export const parseManufacturerId = fixedHex(4);
/** Device Model id: 8 hex chars, e.g. `00050203`. */
export const parseModelId = fixedHex(8);
/** Firmware version: 8 hex chars, e.g. `38040404`. */
export const parseFirmwareVersion = fixedHex(8);

export function normaliseManufacturerId(input: unknown, field = 'manufacturer'): string {
  return parseManufacturerId(input) ?? throwMalformed(field, input, '4 hex digits');
}

export function normaliseModelId(input: unknown, field = 'model'): string {
  return parseModelId(input) ?? throwMalformed(field, input, '8 hex digits');
}

export function normaliseFirmwareVersion(input: unknown, field = 'firmwareVersion'): string {
  return parseFirmwareVersion(input) ?? throwMalformed(field, input, '8 hex digits');
}

// ---------------------------------------------------------------------------------------------------
// Service Request id (RequestID)
// ---------------------------------------------------------------------------------------------------

export interface RequestId {
  originator: DccUserId;
  target: Eui64;
  /** Decimal counter without leading zeros, kept as text: DUIS counters are 64-bit and exceed 2^53. */
  counter: string;
}

const MAX_COUNTER = (1n << 64n) - 1n;

/** Parses `originatorEUI64:targetEUI64:counter`; both EUI-64s in any accepted notation. */
export function parseRequestId(input: unknown): RequestId | undefined {
  if (typeof input !== 'string') return undefined;
  const parts = input.split(':');
  if (parts.length !== 3) return undefined;
  const [rawOriginator, rawTarget, rawCounter] = parts as [string, string, string];
  const originator = parseEui64(rawOriginator);
  const target = parseEui64(rawTarget);
  if (originator === undefined || target === undefined) return undefined;
  if (!/^[0-9]{1,20}$/.test(rawCounter)) return undefined;
  const counter = BigInt(rawCounter);
  if (counter > MAX_COUNTER) return undefined;
  return { originator, target, counter: counter.toString() };
}

export function formatRequestId(requestId: RequestId): string {
  return `${requestId.originator}:${requestId.target}:${requestId.counter}`;
}

/** Canonical RequestID text: the key under which a response is stored for idempotent retries. */
export function normaliseRequestId(input: unknown, field = 'requestId'): string {
  const parsed = parseRequestId(input);
  if (parsed === undefined) throw malformed(field, input, 'originatorEUI64:targetEUI64:counter');
  return formatRequestId(parsed);
}

/**
 * Why a device Service Request's RequestID does not belong to the request, or `undefined` when it does:
 * its target must be the device and its originator the sender. The originator check keeps one user from
 * replaying another user's RequestID and reading the stored response of someone else's request.
 */
export function requestIdProblem(requestId: unknown, expected: { deviceId: string; userId: string }): string | undefined {
  const parsed = parseRequestId(requestId);
  if (parsed === undefined) return 'requestId must be originatorEUI64:targetEUI64:counter';
  const deviceId = parseEui64(expected.deviceId);
  const userId = parseEui64(expected.userId);
  if (deviceId === undefined || parsed.target !== deviceId) return `requestId target ${parsed.target} is not the device ${String(expected.deviceId)}`;
  if (userId === undefined || parsed.originator !== userId) return `requestId originator ${parsed.originator} is not the sender ${String(expected.userId)}`;
  return undefined;
}

/** True when the RequestID targets this device (both in any accepted EUI-64 notation). */
export function requestIdTargetsDevice(requestId: unknown, deviceId: string): boolean {
  const parsed = parseRequestId(requestId);
  const device = parseEui64(deviceId);
  return parsed !== undefined && device !== undefined && parsed.target === device;
}

// ---------------------------------------------------------------------------------------------------
// Closed vocabularies
// ---------------------------------------------------------------------------------------------------

// Defined once in the contracts (they are part of every event), read here for validation.
export { DEVICE_TYPES, ESME_VARIANTS, SMETS_VERSIONS, SMI_STATUSES };
export type DeviceType = (typeof DEVICE_TYPES)[number];
export type EsmeVariant = (typeof ESME_VARIANTS)[number];
export type SmetsVersion = (typeof SMETS_VERSIONS)[number];
export type SmiStatus = (typeof SMI_STATUSES)[number];

/**
 * Kinds of party a sender acts for: the token's party types (one list, in @smi/auth). `supplier` may send
 * SR12.2/SR8.4; `dsp` is the integration that reports status changes and Changes of Supplier.
 */
export type { PartyType };

function member<T extends string>(values: readonly T[]) {
  return (input: unknown): input is T => typeof input === 'string' && (values as readonly string[]).includes(input);
}

export const isDeviceType = member(DEVICE_TYPES);
export const isEsmeVariant = member(ESME_VARIANTS);
export const isSmetsVersion = member(SMETS_VERSIONS);
export const isSmiStatus = member(SMI_STATUSES);

// Vocabularies are matched exactly (no case folding): they are enumerations in the request schema, and
// `Ad` for `AD` is more likely a mistake worth a 400 than a spelling to repair.
export function normaliseDeviceType(input: unknown, field = 'deviceType'): DeviceType {
  return isDeviceType(input) ? input : throwMalformed(field, input, `one of ${DEVICE_TYPES.join(', ')}`);
}

export function normaliseEsmeVariant(input: unknown, field = 'esmeVariant'): EsmeVariant {
  return isEsmeVariant(input) ? input : throwMalformed(field, input, `one of ${ESME_VARIANTS.join(', ')}`);
}

export function normaliseSmetsVersion(input: unknown, field = 'smetsVersion'): SmetsVersion {
  return isSmetsVersion(input) ? input : throwMalformed(field, input, `one of ${SMETS_VERSIONS.join(', ')}`);
}

export function normaliseSmiStatus(input: unknown, field = 'status'): SmiStatus {
  return isSmiStatus(input) ? input : throwMalformed(field, input, `one of ${SMI_STATUSES.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------------

function malformed(field: string, value: unknown, expected: string): DomainError {
  return new DomainError('MALFORMED', `${field} must be ${expected}`, { field, value });
}

function throwMalformed(field: string, value: unknown, expected: string): never {
  throw malformed(field, value, expected);
}
