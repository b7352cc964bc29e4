import { answerOf, changeOf, formatHistory, formatTrace, mergeTrace, renderTable, type AuditEvent } from './index';

const supplier = { userId: '90-B3-D5-1F-30-01-00-01', partyId: 'SUPPLIER-A', partyType: 'supplier', roles: ['IS'] };
const DEVICE = 'device-00-DB-12-34-56-78-90-A0';

function event(position: string, recordedAt: string, type: string, data: unknown, streamId = DEVICE, actor: typeof supplier | null = supplier): AuditEvent {
  return {
    position,
    streamId,
    streamVersion: Number(position),
    eventId: `e-${position}`,
    type,
    schemaVersion: 1,
    recordedAt,
    data,
    metadata: { correlationId: 'REQ-1', sourceService: 'x', ...(actor ? { actor } : {}) },
  };
}

describe('answerOf and changeOf', () => {
  it('reads the DUIS response code with the answer text or the refusal reason', () => {
    expect(answerOf({ data: { responseCode: 'I0', message: 'ESME Variant corrected' } })).toBe('I0 ESME Variant corrected');
    expect(answerOf({ data: { responseCode: 'E3', reason: 'not the Responsible Supplier' } })).toBe('E3 not the Responsible Supplier');
    expect(answerOf({ data: { responseCode: 'I0' } })).toBe('I0');
    expect(answerOf({ data: { from: 'A', to: 'B' } })).toBe('');
    expect(answerOf({ data: null })).toBe('');
    expect(answerOf({ data: 'a string' })).toBe('');
  });

  it('says what a change event changed', () => {
    expect(changeOf({ type: 'EsmeVariantCorrected', data: { from: 'A', to: 'B' } })).toBe('esmeVariant A → B');
    expect(changeOf({ type: 'EsmeVariantCorrected', data: { from: null, to: 'C' } })).toBe('esmeVariant none → C');
    expect(changeOf({ type: 'InventoryUpdated', data: { changes: { model: 'M2', esmeVariant: 'B' }, previous: { model: 'M1' } } })).toBe('model M1 → M2, esmeVariant → B');
    expect(changeOf({ type: 'DeviceStatusChanged', data: { status: 'Commissioned' } })).toBe('');
  });
});

describe('mergeTrace', () => {
  it('orders one request across services by time, then pipeline order, then position', () => {
    const trace = mergeTrace('REQ-1', [
      {
        service: 'inventory',
        url: 'http://inv',
        events: [
          event('12', '2026-12-05T09:00:01.500Z', 'ServiceRequestAnswered', { responseCode: 'I0', message: 'done' }, 'service-request-REQ-1'),
          event('11', '2026-12-05T09:00:01.500Z', 'EsmeVariantCorrected', { from: 'A', to: 'B' }),
        ],
      },
      { service: 'intake', url: 'http://intake', events: [event('900', '2026-12-05T09:00:01.500Z', 'PartyRegistered', {}, 'party-X')] },
      { service: 'publication', url: 'http://pub', events: [event('3', '2026-12-05T09:00:00.100Z', 'DefectPublished', {}, 'defect-1', null)] },
      { service: 'verification', url: 'http://ver', events: [] },
    ]);
    expect(trace.events.map((e) => `${e.service}:${e.position}`)).toEqual(['publication:3', 'intake:900', 'inventory:11', 'inventory:12']);
    expect(trace.services).toEqual({
      intake: { url: 'http://intake', events: 1 },
      verification: { url: 'http://ver', events: 0 },
      publication: { url: 'http://pub', events: 1 },
      inventory: { url: 'http://inv', events: 2 },
    });
    expect(trace.events[2]).toMatchObject({ type: 'EsmeVariantCorrected', actor: '90-B3-D5-1F-30-01-00-01 (SUPPLIER-A supplier)', change: 'esmeVariant A → B', answer: '' });
    expect(trace.events[3]).toMatchObject({ streamId: 'service-request-REQ-1', answer: 'I0 done' });
    expect(trace.events[0].actor).toBe('-');
  });

  it('compares positions as numbers, not text (100 after 99)', () => {
    const at = '2026-12-05T09:00:00.000Z';
    const trace = mergeTrace('R', [{ service: 'inventory', url: 'u', events: [event('100', at, 'B', {}), event('99', at, 'A', {})] }]);
    expect(trace.events.map((e) => e.position)).toEqual(['99', '100']);
  });

  it('prints an aligned table with the request, counts per service, time to the millisecond', () => {
    const trace = mergeTrace('REQ-1', [
      {
        service: 'inventory',
        url: 'u',
        events: [
          event('11', '2026-12-05T09:00:01.234Z', 'EsmeVariantCorrected', { from: 'A', to: 'B' }),
          event('12', '2026-12-05T09:00:01.234Z', 'ServiceRequestAnswered', { responseCode: 'I0', message: 'ESME Variant corrected' }, 'service-request-REQ-1'),
        ],
      },
    ]);
    const lines = formatTrace(trace).split('\n');
    expect(lines[0]).toBe('Request REQ-1: 2 events (intake 0, verification 0, publication 0, inventory 2)');
    expect(lines[1]).toBe('');
    expect(lines[2]).toMatch(/^TIME \(UTC\)\s+SERVICE\s+STREAM\s+TYPE\s+ACTOR\s+CHANGE\s+ANSWER$/);
    expect(lines[3]).toMatch(/^2026-12-05 09:00:01\.234\s+inventory\s+device-00-DB-12-34-56-78-90-A0\s+EsmeVariantCorrected\s+90-B3-D5-1F-30-01-00-01 \(SUPPLIER-A supplier\)\s+esmeVariant A → B$/);
    expect(lines[4]).toMatch(/ServiceRequestAnswered\s+90-B3-D5-1F-30-01-00-01 \(SUPPLIER-A supplier\)\s+I0 ESME Variant corrected$/);
    // Every column starts at the same place on every row.
    for (const header of ['SERVICE', 'STREAM', 'TYPE', 'ACTOR']) {
      const column = lines[2].indexOf(header);
      expect(lines[3][column - 1]).toBe(' ');
      expect(lines[4][column - 1]).toBe(' ');
      expect(lines[3][column]).not.toBe(' ');
    }
  });

  it('says plainly when no service recorded anything', () => {
    expect(formatTrace(mergeTrace('NOPE', []))).toBe('Request NOPE: 0 events (intake 0, verification 0, publication 0, inventory 0)\nNo service recorded an event for it.');
  });
});

describe('formatHistory and renderTable', () => {
  it('lists a stream with version, request and answer, and names the instant of an as-of read', () => {
    const text = formatHistory('inventory', {
      streamId: DEVICE,
      asOf: '2026-12-05T10:00:00.000Z',
      version: 1,
      events: [event('1', '2026-12-05T09:00:00.000Z', 'ServiceRequestRefused', { responseCode: 'E3', reason: 'not yours' })],
    });
    expect(text.split('\n')[0]).toBe(`Stream ${DEVICE} on inventory as of 2026-12-05 10:00:00.000 UTC: version 1, 1 event`);
    expect(text).toMatch(/\n1\s+2026-12-05 09:00:00\.000\s+ServiceRequestRefused\s+90-B3.*\s+REQ-1\s+E3 not yours$/);
    expect(formatHistory('intake', { streamId: 's', asOf: null, version: 0, events: [] })).toBe('Stream s on intake: version 0, 0 events\nNo events.');
    // The inventory records the Service Request's RequestID beside the HTTP request id: the REQUEST column prefers it.
    const withRequestId = event('2', '2026-12-05T09:00:00.000Z', 'EsmeVariantCorrected', { from: 'A', to: 'B' });
    withRequestId.metadata = { ...withRequestId.metadata!, requestId: 'U:D:7' };
    expect(formatHistory('inventory', { streamId: DEVICE, asOf: null, version: 2, events: [withRequestId] })).toMatch(/\s+U:D:7\s+esmeVariant A → B$/);
  });

  it('keeps a cell with a newline on its row', () => {
    expect(renderTable(['A', 'B'], [['x\ny', 'z']])).toBe('A    B\nx y  z');
  });
});
