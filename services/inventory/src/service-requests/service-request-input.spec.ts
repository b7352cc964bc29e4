import { RecordedEvent } from '@smi/event-store';
import { A1, DEVICE, ESME_SMETS2 } from '../device-aggregate/test-support/device-fixtures';
import { ResolvedTopics } from '@smi/service-runtime';
import { serviceResponseMessages } from '../topics';
import { readServiceRequestMessage } from './service-request-input';

const AT = '2024-05-01T09:30:00.000Z';
const SENDER = A1;
const USER = SENDER.userId;

const sr84 = (overrides: Record<string, unknown> = {}) => ({
  serviceReference: '8.4',
  requestId: `${USER}:${DEVICE}:1002`,
  deviceId: DEVICE,
  changes: { esmeVariant: 'B' },
  sender: SENDER,
  ...overrides,
});

const sr122 = (overrides: Record<string, unknown> = {}) => ({
  serviceReference: '12.2',
  requestId: `${USER}:${DEVICE}:1001`,
  deviceId: DEVICE,
  ...ESME_SMETS2,
  sender: SENDER,
  ...overrides,
});

function fieldsOf(raw: unknown): string[] {
  const read = readServiceRequestMessage(raw, AT);
  if (read.ok) throw new Error('expected field errors');
  return read.errors.map((e) => e.field);
}

describe('reading a Kafka Service Request', () => {
  it('reads an SR8.4 into the same command the HTTP endpoint builds, with only the named changes', () => {
    expect(readServiceRequestMessage(sr84(), AT)).toEqual({
      ok: true,
      command: { type: 'UpdateInventory', requestId: `${USER}:${DEVICE}:1002`, deviceId: DEVICE, sender: SENDER, at: AT, changes: { esmeVariant: 'B' } },
    });
  });

  it('keeps an explicit null (clearing a field) apart from a field left out', () => {
    const read = readServiceRequestMessage(sr84({ changes: { firmwareVersion: null, deviceType: 'TYPE2', esmeVariant: null } }), AT);
    expect(read).toMatchObject({ ok: true, command: { changes: { firmwareVersion: null, deviceType: 'TYPE2', esmeVariant: null } } });
  });

  it('reads an SR12.2, an absent variant or firmware becoming null', () => {
    const { esmeVariant: _v, firmwareVersion: _f, ...gsme } = sr122({ deviceType: 'GSME' });
    expect(readServiceRequestMessage(gsme, AT)).toEqual({
      ok: true,
      command: {
        type: 'PreNotifyDevice',
        requestId: `${USER}:${DEVICE}:1001`,
        deviceId: DEVICE,
        sender: SENDER,
        at: AT,
        deviceType: 'GSME',
        manufacturer: '1063',
        model: '00050203',
        firmwareVersion: null,
        smetsVersion: 'SMETS2',
        esmeVariant: null,
      },
    });
  });

  it('accepts identifiers in any accepted notation (the decider normalises them)', () => {
    const read = readServiceRequestMessage(sr84({ deviceId: '00db1234567890a0', requestId: `90b3d51f30010001:00db1234567890a0:7`, sender: { ...SENDER, userId: '90b3d51f30010001' } }), AT);
    expect(read.ok).toBe(true);
  });

  it.each<[string, unknown, string[]]>([
    ['a value that is not an object', [1, 2], ['']],
    ['a missing serviceReference', { ...sr84(), serviceReference: undefined }, ['serviceReference']],
    ['an unknown serviceReference', sr84({ serviceReference: '8.5' }), ['serviceReference']],
    ['a variant outside the nine codes', sr84({ changes: { esmeVariant: 'E' } }), ['changes.esmeVariant']],
    ['a lower-case variant', sr84({ changes: { esmeVariant: 'ad' } }), ['changes.esmeVariant']],
    ['no changes', sr84({ changes: {} }), ['changes']],
    ['an unknown change', sr84({ changes: { colour: 'red', esmeVariant: 'B' } }), ['changes.colour']],
    ['a null device type', sr84({ changes: { deviceType: null } }), ['changes.deviceType']],
    ['an unknown top-level field', sr84({ priority: 'high' }), ['priority']],
    ['a bad Device ID', sr84({ deviceId: '00-DB' }), ['deviceId']],
    ['a bad RequestID', sr84({ requestId: 'abc' }), ['requestId']],
    ['a RequestID aimed at another device', sr84({ requestId: `${USER}:00-DB-12-34-56-78-90-A1:5` }), ['requestId']],
    ["a RequestID of another user than the sender", sr84({ requestId: `90-B3-D5-1F-30-02-00-01:${DEVICE}:5` }), ['requestId']],
    ['no sender', sr84({ sender: undefined }), ['sender']],
    ['a sender whose user id is not a DCC User ID', sr84({ sender: { ...SENDER, userId: 'alice' } }), ['sender.userId']],
    ['a sender without roles', sr84({ sender: { ...SENDER, roles: undefined } }), ['sender.roles']],
    ['an SR12.2 with a short model and no SMETS version', sr122({ model: '0005', smetsVersion: undefined }), ['model', 'smetsVersion']],
  ])('refuses %s, naming the field', (_why, raw, fields) => {
    expect([...new Set(fieldsOf(raw))].sort()).toEqual([...fields].sort());
  });

  it('echoes what it could read of a malformed command, for the response', () => {
    expect(readServiceRequestMessage(sr84({ changes: {} }), AT)).toMatchObject({ ok: false, requestId: `${USER}:${DEVICE}:1002`, serviceReference: '8.4', deviceId: DEVICE });
    expect(readServiceRequestMessage('hello', AT)).toMatchObject({ ok: false, requestId: null, serviceReference: null, deviceId: null });
  });

  it('a non-supplier sender is not malformed: the rules answer it (E2)', () => {
    expect(readServiceRequestMessage(sr84({ sender: { ...SENDER, partyType: 'network' } }), AT).ok).toBe(true);
    expect(readServiceRequestMessage(sr84({ sender: { ...SENDER, partyType: 'a-type-nobody-knows' } }), AT).ok).toBe(true);
  });
});

describe('answers', () => {
  const topics: ResolvedTopics = { events: 'p.inventory.events', name: (base) => `p.${base}` };
  const recorded = (type: string, data: Record<string, unknown>) => ({ type, data, eventId: 'e-1' }) as unknown as RecordedEvent;
  const answer = { requestId: `${USER}:${DEVICE}:1002`, serviceReference: '8.4', deviceId: DEVICE, responseCode: 'E4', message: 'not yours', sender: SENDER, receivedAt: AT };

  it('the relay publishes the answer to a Kafka request, keyed by RequestID, with the HTTP body', () => {
    const [extra, ...rest] = serviceResponseMessages(recorded('ServiceRequestAnswered', { ...answer, channel: 'kafka' }), topics);
    expect(rest).toEqual([]);
    expect(extra.topic).toBe('p.inventory.service-responses');
    expect(extra.message.key).toBe(answer.requestId);
    expect(JSON.parse(extra.message.value.toString())).toEqual({ requestId: answer.requestId, serviceReference: '8.4', deviceId: DEVICE, responseCode: 'E4', message: 'not yours' });
    expect(extra.message.headers).toMatchObject({ 'content-type': 'application/json', ce_id: 'e-1', correlation_id: answer.requestId });
  });

  it('publishes nothing for an HTTP request or any other event', () => {
    expect(serviceResponseMessages(recorded('ServiceRequestAnswered', { ...answer, channel: 'http' }), topics)).toEqual([]);
    expect(serviceResponseMessages(recorded('EsmeVariantCorrected', { ...answer, channel: 'kafka' }), topics)).toEqual([]);
  });
});
