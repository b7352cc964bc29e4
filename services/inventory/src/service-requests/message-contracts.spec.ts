import { INVENTORY_MESSAGE_SCHEMAS } from '@smi/contracts';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fold } from '@smi/decider';
import { answered, decideServiceRequest, deviceDecider, responseBody, Sender, ServiceRequestCommand } from '../device-aggregate';
import { malformedResponseBody, readServiceRequestMessage, readThroughDtos } from './service-request-input';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const requestSchema = ajv.compile(INVENTORY_MESSAGE_SCHEMAS['inventory.service-requests']);
const responseSchema = ajv.compile(INVENTORY_MESSAGE_SCHEMAS['inventory.service-responses']);

const AT = '2024-05-01T09:30:00.000Z';
const USER = '90-B3-D5-1F-30-01-00-01';
const DEVICE = '00-DB-12-34-56-78-90-A0';
const SENDER = { userId: USER, partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };
const sr84 = { serviceReference: '8.4', requestId: `${USER}:${DEVICE}:1002`, deviceId: DEVICE, changes: { esmeVariant: 'B' }, sender: SENDER };
const sr122 = { serviceReference: '12.2', requestId: `${USER}:${DEVICE}:1001`, deviceId: DEVICE, deviceType: 'ESME', manufacturer: '1063', model: '00050203', firmwareVersion: '38040404', smetsVersion: 'SMETS2', esmeVariant: 'A', sender: SENDER };

// The published schemas and the code that reads the topics must agree on what is acceptable.
describe('the published Service Request and response schemas agree with the inventory', () => {
  it.each<[string, unknown]>([
    ['SR8.4', sr84],
    ['SR8.4 clearing firmware and variant', { ...sr84, changes: { deviceType: 'TYPE2', firmwareVersion: null, esmeVariant: null } }],
    ['SR8.4 in lower case without dashes', { ...sr84, deviceId: '00db1234567890a0', requestId: '90b3d51f30010001:00db1234567890a0:9', sender: { ...SENDER, userId: '90b3d51f30010001' } }],
    ['SR12.2', sr122],
    ['SR12.2 of a Type 2 device', { ...sr122, deviceType: 'TYPE2', firmwareVersion: null, esmeVariant: null }],
    ['SR12.2 of a GSME leaving out the optional fields', (({ esmeVariant: _v, ...rest }) => ({ ...rest, deviceType: 'GSME' }))(sr122)],
    ['a request from a non-supplier (answered E2, not malformed)', { ...sr84, sender: { ...SENDER, partyType: 'network' } }],
  ])('accepts %s', (_why, message) => {
    expect({ valid: requestSchema(message), errors: requestSchema.errors ?? null }).toEqual({ valid: true, errors: null });
    expect(readServiceRequestMessage(message, AT).ok).toBe(true);
  });

  it.each<[string, unknown]>([
    ['no serviceReference', { ...sr84, serviceReference: undefined }],
    ['an SR8.4 with SR12.2 fields', { ...sr84, deviceType: 'ESME' }],
    ['no changes', { ...sr84, changes: {} }],
    ['an unknown change', { ...sr84, changes: { colour: 'red' } }],
    ['a bad variant', { ...sr84, changes: { esmeVariant: 'E' } }],
    ['a null device type', { ...sr84, changes: { deviceType: null } }],
    ['a short Device ID', { ...sr84, deviceId: '00-DB' }],
    ['a RequestID with a 21-digit counter', { ...sr84, requestId: `${USER}:${DEVICE}:123456789012345678901` }],
    ['no sender', { ...sr84, sender: undefined }],
    ['a sender user that is not an EUI-64', { ...sr84, sender: { ...SENDER, userId: 'alice' } }],
    ['an SR12.2 without a SMETS version', { ...sr122, smetsVersion: undefined }],
    ['an SR12.2 with a lower-case variant', { ...sr122, esmeVariant: 'ad' }],
    ['a JSON array', [sr84]],
  ])('refuses %s', (_why, message) => {
    const plain = JSON.parse(JSON.stringify(message)) as unknown;
    expect(requestSchema(plain)).toBe(false);
    expect(readServiceRequestMessage(plain, AT).ok).toBe(false);
  });

  it('every answer the rules give, and every MALFORMED answer, fits the response schema', () => {
    const supplier: Sender = { ...SENDER, partyType: 'supplier' };
    const commands: ServiceRequestCommand[] = [
      { type: 'UpdateInventory', requestId: `${USER}:${DEVICE}:1`, deviceId: DEVICE, sender: supplier, at: AT, changes: { esmeVariant: 'B' } },
      { type: 'PreNotifyDevice', requestId: `${USER}:${DEVICE}:2`, deviceId: DEVICE, sender: supplier, at: AT, deviceType: 'ESME', manufacturer: '1063', model: '00050203', firmwareVersion: '38040404', smetsVersion: 'SMETS2', esmeVariant: 'A' },
      { type: 'PreNotifyDevice', requestId: `${USER}:${DEVICE}:3`, deviceId: DEVICE, sender: { ...supplier, partyType: 'network' }, at: AT, deviceType: 'ESME', manufacturer: '1063', model: '00050203', firmwareVersion: '38040404', smetsVersion: 'SMETS2', esmeVariant: null },
    ];
    for (const command of commands) {
      const { response } = decideServiceRequest(command, fold(deviceDecider, []));
      const body = responseBody(answered(response, { deviceId: DEVICE, sender: supplier, channel: 'kafka', receivedAt: AT }));
      expect({ body, valid: responseSchema(body), errors: responseSchema.errors ?? null }).toEqual({ body, valid: true, errors: null });
    }
    for (const raw of [{ ...sr84, changes: {} }, 'not an object', { ...sr84, requestId: 7 }]) {
      const read = readServiceRequestMessage(raw, AT);
      if (read.ok) throw new Error('expected a malformed message');
      const body = malformedResponseBody(read);
      expect({ body, valid: responseSchema(body), errors: responseSchema.errors ?? null }).toEqual({ body, valid: true, errors: null });
    }
  });
});

/**
 * A well-formed message is read without the DTO classes (the compiled schema first): that shortcut must never
 * accept what the DTOs refuse, nor read anything differently. Every field of both requests, and of the sender and
 * the changes, is set in turn to awkward values, removed, and joined by an unknown field; each message must be read
 * exactly as the DTOs read it.
 */
describe('reading a Service Request message with the schema first agrees with the DTOs', () => {
  const oddValues: unknown[] = [
    undefined, null, '', ' ', 'x', 0, 1.5, -1, true, false, [], {}, ['IS'], { nested: 1 },
    '1063', 'abcd', 'ABCD', '10630', '106', '00050203', '0005020g', '0005020\n', '00050203\n', '\u00001063',
    'A', 'ad', 'E', 'ESME', 'esme', 'TYPE2', 'SMETS1', 'SMETS3', '8.4', '12.2', '9.1',
    USER, DEVICE, '00db1234567890a0', '00-DB-12-34-56-78-90', '00-DB-12-34-56-78-90-A0-00', '00:DB:12:34:56:78:90:A0',
    `${USER}:${DEVICE}:1`, `${USER}:${DEVICE}:18446744073709551615`, `${USER}:${DEVICE}:18446744073709551616`, `${DEVICE}:${USER}:1`,
    'S'.repeat(32), 'S'.repeat(33), 'P'.repeat(64), 'P'.repeat(65), '\u00c4'.repeat(64), '\u00c4'.repeat(65), '\ud83d\ude00'.repeat(33),
    Array.from({ length: 20 }, () => 'IS'), Array.from({ length: 21 }, () => 'IS'), ['IS', 7], [null],
  ];
  const paths = (message: Record<string, unknown>): string[][] =>
    Object.entries(message).flatMap(([key, value]) =>
      value !== null && typeof value === 'object' && !Array.isArray(value) ? [[key], ...Object.keys(value).map((inner) => [key, inner]), [key, 'unknownField']] : [[key]],
    );
  const withValue = (message: Record<string, unknown>, path: string[], value: unknown): unknown => {
    const copy = JSON.parse(JSON.stringify(message)) as Record<string, Record<string, unknown>>;
    const holder = path.length === 1 ? (copy as Record<string, unknown>) : copy[path[0]];
    if (value === undefined) delete holder[path[path.length - 1]];
    else holder[path[path.length - 1]] = value;
    return copy;
  };

  it.each<[string, Record<string, unknown>]>([
    ['SR8.4', sr84],
    ['SR8.4 changing every detail', { ...sr84, changes: { deviceType: 'ESME', manufacturer: '1063', model: '00050203', firmwareVersion: '38040405', smetsVersion: 'SMETS2', esmeVariant: 'AD' } }],
    ['SR12.2', sr122],
  ])('%s with each field awkward, missing or joined by an unknown one', (_why, message) => {
    const variants = [message, withValue(message, ['unknownField'], 1), ...paths(message).flatMap((path) => oddValues.map((value) => withValue(message, path, value)))];
    let accepted = 0;
    for (const variant of variants) {
      const read = readServiceRequestMessage(variant, AT);
      expect({ variant, read }).toEqual({ variant, read: readThroughDtos(variant, AT) });
      if (read.ok) accepted += 1;
    }
    // Both outcomes occur: the comparison covers accepted messages as well as refused ones.
    expect(accepted).toBeGreaterThan(10);
    expect(accepted).toBeLessThan(variants.length / 2);
  });
});
