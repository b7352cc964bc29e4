import { DomainError } from '@smi/decider';
import {
  DEVICE_TYPES,
  ESME_VARIANTS,
  SMETS_VERSIONS,
  SMI_STATUSES,
  deviceStreamId,
  isEsmeVariant,
  normaliseDeviceId,
  normaliseEsmeVariant,
  normaliseFirmwareVersion,
  normaliseManufacturerId,
  normaliseModelId,
  normaliseRequestId,
  parseEui64,
  parseFirmwareVersion,
  parseManufacturerId,
  parseModelId,
  parseRequestId,
  requestIdProblem,
  requestIdTargetsDevice,
} from './identifiers';

const DEVICE = '00-DB-12-34-56-78-90-A0';
const USER = '90-B3-D5-1F-30-01-00-01';

function malformedCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('EUI-64 (Device ID, DCC User ID)', () => {
  it.each([
    ['00-DB-12-34-56-78-90-A0', DEVICE],
    ['00-db-12-34-56-78-90-a0', DEVICE],
    ['00DB1234567890A0', DEVICE],
    ['00db1234567890a0', DEVICE],
    ['90b3d51f30010001', USER],
  ])('normalises %s to %s', (input, expected) => {
    expect(parseEui64(input)).toBe(expected);
    expect(normaliseDeviceId(input)).toBe(expected);
  });

  it.each([
    ['15 hex digits', '00DB1234567890A'],
    ['17 hex digits', '00DB1234567890A01'],
    ['only some dashes', '00DB-12-34-56-78-90-A0'],
    ['colons', '00:DB:12:34:56:78:90:A0'],
    ['a non-hex digit', '00-DB-12-34-56-78-90-AG'],
    ['surrounding spaces', ' 00DB1234567890A0 '],
    ['an empty string', ''],
  ])('rejects %s', (_why, input) => {
    expect(parseEui64(input)).toBeUndefined();
    expect(malformedCode(() => normaliseDeviceId(input))).toBe('MALFORMED');
  });

  it('rejects non-strings', () => {
    expect(parseEui64(123)).toBeUndefined();
    expect(parseEui64(null)).toBeUndefined();
  });

  it('names the stream after the canonical Device ID', () => {
    expect(deviceStreamId('00db1234567890a0')).toBe(`device-${DEVICE}`);
  });
});

describe('manufacturer, model and firmware ids', () => {
  it('accepts fixed-width hex and upper-cases it', () => {
    expect(parseManufacturerId('10ab')).toBe('10AB');
    expect(parseModelId('0005020f')).toBe('0005020F');
    expect(parseFirmwareVersion('38040404')).toBe('38040404');
  });

  it.each([
    ['manufacturer', () => normaliseManufacturerId('106')],
    ['manufacturer', () => normaliseManufacturerId('10633')],
    ['model', () => normaliseModelId('0005020')],
    ['model', () => normaliseModelId('0005020G')],
    ['firmwareVersion', () => normaliseFirmwareVersion('380404041')],
    ['firmwareVersion', () => normaliseFirmwareVersion(38040404)],
  ])('rejects a bad %s', (_field, run) => {
    expect(malformedCode(run)).toBe('MALFORMED');
  });
});

describe('RequestID', () => {
  it('parses the documented example', () => {
    expect(parseRequestId(`${USER}:${DEVICE}:1001`)).toEqual({ originator: USER, target: DEVICE, counter: '1001' });
  });

  it('normalises both EUI-64s and the counter', () => {
    expect(normaliseRequestId('90b3d51f30010001:00db1234567890a0:0001001')).toBe(`${USER}:${DEVICE}:1001`);
  });

  it('accepts the largest 64-bit counter and rejects one above it', () => {
    expect(parseRequestId(`${USER}:${DEVICE}:18446744073709551615`)?.counter).toBe('18446744073709551615');
    expect(parseRequestId(`${USER}:${DEVICE}:18446744073709551616`)).toBeUndefined();
  });

  it.each([
    ['two parts', `${USER}:${DEVICE}`],
    ['four parts', `${USER}:${DEVICE}:1:2`],
    ['a bad originator', `90-B3-D5-1F-30-01-00:${DEVICE}:1`],
    ['a bad target', `${USER}:00-DB:1`],
    ['a negative counter', `${USER}:${DEVICE}:-1`],
    ['a hex counter', `${USER}:${DEVICE}:1A`],
    ['an empty counter', `${USER}:${DEVICE}:`],
  ])('rejects %s', (_why, input) => {
    expect(parseRequestId(input)).toBeUndefined();
    expect(malformedCode(() => normaliseRequestId(input))).toBe('MALFORMED');
  });

  it('checks the target is the device and the originator the sender', () => {
    const requestId = `${USER}:${DEVICE}:7`;
    expect(requestIdProblem(requestId, { deviceId: '00db1234567890a0', userId: USER })).toBeUndefined();
    expect(requestIdProblem(requestId, { deviceId: '00-DB-12-34-56-78-90-A1', userId: USER })).toMatch(/target/);
    expect(requestIdProblem(requestId, { deviceId: DEVICE, userId: '90-B3-D5-1F-30-01-00-02' })).toMatch(/originator/);
    expect(requestIdProblem('nonsense', { deviceId: DEVICE, userId: USER })).toMatch(/must be/);
    expect(requestIdTargetsDevice(requestId, '00db1234567890a0')).toBe(true);
    expect(requestIdTargetsDevice(requestId, '00-DB-12-34-56-78-90-A1')).toBe(false);
  });
});

describe('vocabularies', () => {
  it('lists the domain values exactly', () => {
    expect(DEVICE_TYPES).toEqual(['ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'HCALCS', 'IHD', 'CAD', 'TYPE2']);
    expect(ESME_VARIANTS).toEqual(['A', 'AD', 'ADE', 'B', 'BD', 'BDE', 'C', 'CD', 'CDE']);
    expect(SMETS_VERSIONS).toEqual(['SMETS1', 'SMETS2']);
    expect(SMI_STATUSES).toEqual([
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
    ]);
  });

  it('matches ESME Variants exactly, without case folding', () => {
    expect(isEsmeVariant('AD')).toBe(true);
    expect(isEsmeVariant('ad')).toBe(false);
    expect(isEsmeVariant('D')).toBe(false);
    expect(malformedCode(() => normaliseEsmeVariant('E'))).toBe('MALFORMED');
  });
});
