import { waitFor } from '@smi/testing';
import { once } from 'node:events';
import { connect } from 'node:net';
import { call, TestSystem } from './support/system';

interface Refusal {
  statusCode: number;
  code: string;
  message: string;
  errors?: Array<{ field: string; reason: string }>;
}

/** Sends raw bytes as a request body, so a test can send JSON that JSON.stringify would never write. */
async function raw(method: string, url: string, token: string | undefined, body: string | undefined, contentType?: string) {
  const response = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
    // Bytes, not a string: fetch would add a text/plain content type to a string.
    body: body === undefined ? undefined : Buffer.from(body, 'utf8'),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body: parsed as Refusal, headers: response.headers };
}

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/**
 * What every service's HTTP edge refuses before any handler, validator or database sees it: text no
 * PostgreSQL column can hold (NUL, lone surrogates), JSON nested deeper than any request needs, keys that
 * name an object's prototype; and the headers every answer carries. Intake and inventory stand for all four
 * services, which share the edge (libs/service-runtime).
 */
describe('the HTTP edge of every service', () => {
  const system = new TestSystem();
  let intake: string;
  let inventory: string;
  let dcc: string;
  let supplier: string;

  const reportCount = async () => ((await call('GET', `${intake}/reports`, dcc)).body as unknown[]).length;

  const report = {
    make: 'Northwind Metering',
    model: 'NW-E1',
    firmwareVersion: '3804040A',
    deviceType: 'ESME',
    statusOfInformation: 'Defect',
    description: 'Reboots at midnight',
    dateObserved: '2026-01-14',
  };

  beforeAll(async () => {
    await system.start(['intake', 'inventory']);
    intake = system.url('intake');
    inventory = system.url('inventory');
    dcc = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    supplier = await system.token({ party: 'SUP-A', partyType: 'supplier' });
  });

  afterAll(async () => {
    await system.stop();
  });

  describe('NUL characters and lone surrogates are refused with 400 naming the field', () => {
    it.each([
      ['a query parameter', () => `${intake}/items?make=%00`, 'make'],
      ['a path parameter', () => `${intake}/reports/a%00b`, 'reportId'],
      ['a query parameter on inventory', () => `${inventory}/devices?responsibleSupplier=x%00`, 'responsibleSupplier'],
    ])('%s', async (_what, url, field) => {
      const answer = await raw('GET', url(), dcc, undefined);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('INVALID_TEXT');
      expect(answer.body.errors).toEqual([{ field, reason: 'must not contain NUL characters' }]);
    });

    it('a body field, and nothing is recorded', async () => {
      const before = await reportCount();
      const answer = await raw('POST', `${intake}/reports`, supplier, JSON.stringify({ ...report, description: 'a\u0000b' }), 'application/json');
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'description', reason: 'must not contain NUL characters' }]);
      expect(await reportCount()).toBe(before);
    });

    it('a lone surrogate, written as a JSON escape', async () => {
      const body = JSON.stringify({ ...report, description: 'PLACEHOLDER' }).replace('PLACEHOLDER', 'x\\ud800y');
      const answer = await raw('POST', `${intake}/reports`, supplier, body, 'application/json');
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'description', reason: 'must be well-formed Unicode text (a lone surrogate at character 2)' }]);
    });

    it('the file name of an upload', async () => {
      const answer = await raw('POST', `${intake}/submissions?fileName=a%00.csv`, await system.token({ party: 'MFR-X', partyType: 'manufacturer' }), 'a,b\n', 'text/csv');
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'fileName', reason: 'must not contain NUL characters' }]);
    });

    it('a key of a body object', async () => {
      const answer = await raw('POST', `${intake}/reports`, supplier, JSON.stringify({ ...report, 'bad\u0000key': 1 }), 'application/json');
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'bad\\u0000key', reason: 'a key must not contain NUL characters' }]);
    });
  });

  describe('JSON nested deeper than any request needs is refused before validation', () => {
    it('a body object nested 3,000 deep', async () => {
      const body = JSON.stringify({ ...report, description: 'PLACEHOLDER' }).replace('"PLACEHOLDER"', nested(3000, '{"a":', '}'));
      const answer = await raw('POST', `${intake}/fixes`, supplier, body, 'application/json');
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('JSON_TOO_DEEP');
      expect(answer.body.message).toBe('The JSON body is nested more than 32 levels deep');
    });

    it('a top-level array nested 100,000 deep, on inventory', async () => {
      const answer = await raw('POST', `${inventory}/service-requests/8.4`, supplier, nested(100_000, '[', ']'), 'application/json');
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('JSON_TOO_DEEP');
    });

    it('brackets inside strings do not count', async () => {
      const answer = await raw('POST', `${intake}/reports`, supplier, JSON.stringify({ ...report, description: '['.repeat(200) }), 'application/json');
      expect(answer.status).toBe(201);
    });
  });

  describe('bodies that are not what they claim', () => {
    it.each(['__proto__', 'constructor', 'prototype'])('a %s key is named, not called invalid JSON', async (key) => {
      const answer = await raw('POST', `${intake}/reports`, supplier, `{"make":"x","nested":{"${key}":{"polluted":true}}}`, 'application/json');
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('DISALLOWED_KEY');
      expect(answer.body.errors).toEqual([{ field: `nested.${key}`, reason: `the key ${key} is not allowed` }]);
    });

    it('invalid JSON says where', async () => {
      const answer = await raw('POST', `${intake}/reports`, supplier, '{"make":', 'application/json');
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('MALFORMED_JSON');
      expect(answer.body.message).toMatch(/^The body is not valid JSON: /);
    });

    it('a JSON body over the limit is answered 413 after the client has sent it, on a connection still open', async () => {
      // A client writing a 2 MB body slowly: Fastify's own refusal closed the connection while it was still
      // sending, so whether it saw the answer or a broken pipe depended on timing.
      const url = new URL(`${intake}/reports`);
      const socket = connect(Number(url.port), url.hostname);
      await once(socket, 'connect');
      const received: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      const length = 2 * 1024 * 1024;
      socket.write(
        `POST /reports HTTP/1.1\r\nhost: ${url.host}\r\nauthorization: Bearer ${supplier}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(64 * 1024, 'x');
      for (let sent = 0; sent < length; sent += chunk.length) {
        if (!socket.write(chunk)) await once(socket, 'drain');
      }
      const text = () => Buffer.concat(received).toString('latin1');
      await waitFor(() => (/\r\n\r\n\{[^]*\}$/.test(text()) ? true : undefined), 30_000, 'the 413 answer');
      expect(text()).toMatch(/^HTTP\/1\.1 413 /);
      expect(text()).not.toMatch(/\r\nconnection: close\r\n/i);
      expect(JSON.parse(text().slice(text().indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'BODY_TOO_LARGE', errors: [{ field: 'body' }] });
      // The same connection serves the next request.
      received.length = 0;
      socket.write(`GET /health/live HTTP/1.1\r\nhost: ${url.host}\r\n\r\n`);
      await waitFor(() => (/^HTTP\/1\.1 200 /.test(text()) ? true : undefined), 30_000, 'the next answer on the same connection');
      socket.destroy();
    });

    it('a body without a content type is told which types are accepted', async () => {
      const answer = await raw('POST', `${intake}/reports`, supplier, JSON.stringify(report));
      expect(answer.status).toBe(415);
      expect(answer.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(answer.body.message).toMatch(/^Content-Type \(none\) is not accepted here; send application\/json/);
    });
  });

  describe('strict numbers and instants', () => {
    it.each(['0x10', '1e3', '16.0'])('limit=%s is refused by name, not read as another number', async (limit) => {
      const answer = await raw('GET', `${inventory}/devices?limit=${limit}`, dcc, undefined);
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toContainEqual({ field: 'limit', reason: 'limit must be a whole number written in digits' });
    });

    it.each([
      ['a number where the instant goes', ['12', '0b9f5f2e-52d6-4a5e-9a7e-0f6f1c1b2d3e']],
      ['an instant that is no day of the calendar', ['2026-02-30T00:00:00.000Z', '0b9f5f2e-52d6-4a5e-9a7e-0f6f1c1b2d3e']],
      ['an instant past year 9999', ['+275760-09-13T00:00:00.000Z', '0b9f5f2e-52d6-4a5e-9a7e-0f6f1c1b2d3e']],
    ])('a submissions cursor holding %s is refused, not passed to PostgreSQL', async (_what, key) => {
      const cursor = Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
      const answer = await raw('GET', `${intake}/submissions?cursor=${cursor}`, dcc, undefined);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('INVALID_CURSOR');
    });

    it('an audit asOf that is no day of the calendar is refused, not read as 2 March', async () => {
      const answer = await raw('GET', `${intake}/audit/streams/party-DCC?asOf=2026-02-30T00:00:00Z`, dcc, undefined);
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'asOf', reason: 'is not a day of the calendar (2026-02-30)' }]);
    });

    it("a device's asOf that is no day of the calendar is refused, not read as 2 March", async () => {
      const answer = await raw('GET', `${inventory}/devices/00-DB-12-34-56-78-90-A0?asOf=2026-02-30T00:00:00Z`, dcc, undefined);
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'asOf', reason: 'asOf is not a day of the calendar (2026-02-30)' }]);
    });

    it('a relay rewind past the largest position names the field instead of passing on the database text', async () => {
      const operator = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['operator'] });
      const tooLarge = await raw('POST', `${intake}/ops/relay/rewind`, operator, JSON.stringify({ fromPosition: '9999999999999999999' }), 'application/json');
      expect(tooLarge.status).toBe(400);
      expect(tooLarge.body.errors).toEqual([{ field: 'fromPosition', reason: 'fromPosition must not be greater than 9223372036854775807' }]);
      const nothingThere = await raw('POST', `${intake}/ops/relay/rewind`, operator, JSON.stringify({ fromPosition: '9223372036854775807' }), 'application/json');
      expect(nothingThere.status).toBe(400);
      expect(nothingThere.body.errors).toEqual([{ field: 'fromPosition', reason: 'no event at position 9223372036854775807' }]);
    });
  });

  describe('headers on every answer', () => {
    it('nosniff everywhere, no-store on authenticated JSON, and the glossary keeps its caching', async () => {
      const health = await raw('GET', `${intake}/health`, undefined, undefined);
      expect(health.headers.get('x-content-type-options')).toBe('nosniff');
      const refused = await raw('GET', `${intake}/reports`, undefined, undefined);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
      const reports = await raw('GET', `${intake}/reports`, dcc, undefined);
      expect(reports.status).toBe(200);
      expect(reports.headers.get('cache-control')).toBe('no-store');
      expect(reports.headers.get('x-content-type-options')).toBe('nosniff');
      const devices = await raw('GET', `${inventory}/devices`, dcc, undefined);
      expect(devices.headers.get('cache-control')).toBe('no-store');
      const glossary = await raw('GET', `${intake}/glossary`, supplier, undefined);
      expect(glossary.headers.get('cache-control')).toBe('private, max-age=300, must-revalidate');
      expect(glossary.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });
});
