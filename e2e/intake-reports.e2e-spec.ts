import { PARTY_TYPES, PartyType } from '@smi/auth';
import { GLOSSARY } from '@smi/contracts';
import { waitFor } from '@smi/testing';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, TestSystem } from './support/system';

interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: { correlationId: string; actor?: { userId: string; partyId: string; partyType: string } };
}

/**
 * The compiled intake service as users run it: the glossary, reports from SEC Parties, fix proposals,
 * and who may do and read what, checked through the real guard for every party type.
 */
describe('intake: glossary, reports, fixes and data requests', () => {
  const system = new TestSystem();
  let intake: string;
  const tokens = new Map<string, string>();
  const as = async (party: string, partyType: PartyType) => {
    const key = `${partyType}:${party}`;
    if (!tokens.has(key)) tokens.set(key, await system.token({ party, partyType }));
    return tokens.get(key)!;
  };
  const partyOf: Record<PartyType, string> = { dcc: 'DCC', supplier: 'SUP-A', manufacturer: 'MFR-NW', csp: 'CSP-N', network: 'DNO-1', dsp: 'DSP', secas: 'SECAS' };
  const stream = async (streamId: string) => ((await call('GET', `${intake}/audit/streams/${streamId}`, await as('DCC', 'dcc'))).body as { events: StreamEvent[] }).events;

  const report = {
    make: 'Northwind Metering',
    model: 'NW-E1',
    firmwareVersion: '3804040a',
    deviceType: 'Electricity Smart Meter',
    statusOfInformation: 'Defect',
    description: 'Meter reboots when the tariff switches at midnight.',
    dateObserved: '14/01/2026',
    reference: 'INC-778',
  };

  beforeAll(async () => {
    await system.start(['intake']);
    intake = system.url('intake');
    const dcc = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    for (const party of [
      { partyId: 'MFR-NW', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind Metering'] },
      { partyId: 'MFR-SW', name: 'Southwind Meters plc', partyType: 'manufacturer', makes: ['Southwind'] },
      { partyId: 'CSP-N', name: 'North Comms', partyType: 'csp', makes: ['NorthHub'] },
    ]) {
      expect((await call('POST', `${intake}/parties`, dcc, party)).status).toBe(201);
    }
  });

  afterAll(async () => {
    await system.stop();
  });

  describe('GET /glossary', () => {
    it('serves the glossary validation uses to every party type, with ETag and Cache-Control', async () => {
      for (const partyType of PARTY_TYPES) {
        const response = await call('GET', `${intake}/glossary`, await as(partyOf[partyType], partyType));
        expect(response.status).toBe(200);
        expect(response.body).toEqual(JSON.parse(JSON.stringify(GLOSSARY)));
        expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
        expect(response.headers.get('cache-control')).toBe('private, max-age=300, must-revalidate');
      }
      expect((await call('GET', `${intake}/glossary`)).status).toBe(401);
    });

    it('answers 304 without a body when the client holds the current version', async () => {
      const token = await as('SUP-A', 'supplier');
      const first = await call('GET', `${intake}/glossary`, token);
      const etag = first.headers.get('etag')!;
      const revalidated = await fetch(`${intake}/glossary`, { headers: { authorization: `Bearer ${token}`, 'if-none-match': `W/${etag}` } });
      expect(revalidated.status).toBe(304);
      expect(await revalidated.text()).toBe('');
      expect(revalidated.headers.get('etag')).toBe(etag);
      const stale = await fetch(`${intake}/glossary`, { headers: { authorization: `Bearer ${token}`, 'if-none-match': '"an-old-version"' } });
      expect(stale.status).toBe(200);
    });
  });

  describe('reports (R4)', () => {
    let supplierReport: string;

    it('may be made by suppliers, network parties and the DCC, and by no other party type', async () => {
      const outcome: Record<string, number> = {};
      for (const partyType of PARTY_TYPES) outcome[partyType] = (await call('POST', `${intake}/reports`, await as(partyOf[partyType], partyType), report)).status;
      expect(outcome).toEqual({ dcc: 201, supplier: 201, network: 201, manufacturer: 403, csp: 403, dsp: 403, secas: 403 });
    });

    it('records the report with a DCC-assigned id, source and status of information, and an event with actor and correlation id', async () => {
      const requestId = `e2e-report-${randomUUID()}`;
      const response = await fetch(`${intake}/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await as('SUP-A', 'supplier')}`, 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ ...report, statusOfInformation: 'issue' }),
      });
      expect(response.status).toBe(201);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        reporterPartyId: 'SUP-A',
        reporterPartyType: 'supplier',
        source: 'SEC Party',
        statusOfInformation: 'Issue',
        firmwareVersion: '3804040A',
        deviceType: 'ESME',
        dateObserved: '2026-01-14',
        reference: 'INC-778',
      });
      supplierReport = body.reportId as string;
      expect(supplierReport).toMatch(/^R-\d{6}$/);
      const [event] = await stream(`report-${supplierReport}`);
      expect(event.type).toBe('ItemReported');
      expect(event.data).toMatchObject({ reportId: supplierReport, source: 'SEC Party', statusOfInformation: 'Issue' });
      expect(event.metadata.correlationId).toBe(requestId);
      expect(event.metadata.actor).toMatchObject({ partyId: 'SUP-A', partyType: 'supplier', userId: 'SUP-A-user' });
    });

    it('records the DCC as source DCC', async () => {
      const response = await call('POST', `${intake}/reports`, await as('DCC', 'dcc'), report);
      expect(response.body).toMatchObject({ source: 'DCC', reporterPartyId: 'DCC' });
    });

    it('refuses a Fix, values outside the glossary, future dates and unknown fields', async () => {
      const token = await as('SUP-A', 'supplier');
      const refusal = async (body: unknown) => {
        const response = await call('POST', `${intake}/reports`, token, body);
        return [response.status, (response.body as { code?: string }).code];
      };
      expect(await refusal({ ...report, statusOfInformation: 'Fix' })).toEqual([422, 'REPORT_CANNOT_BE_A_FIX']);
      expect(await refusal({ ...report, deviceType: 'Smart Meter' })).toEqual([400, 'INVALID_DEVICE_TYPE']);
      expect(await refusal({ ...report, dateObserved: '2999-01-01' })).toEqual([422, 'DATE_IN_FUTURE']);
      expect((await refusal({ ...report, severity: 'high' }))[0]).toBe(400);
      expect((await refusal({ ...report, make: undefined }))[0]).toBe(400);
    });

    it("is visible to the reporter's party and the DCC only", async () => {
      const mine = (await call('GET', `${intake}/reports`, await as('SUP-A', 'supplier'))).body as Array<{ reporterPartyId: string }>;
      expect(mine.length).toBeGreaterThanOrEqual(2);
      expect(new Set(mine.map((r) => r.reporterPartyId))).toEqual(new Set(['SUP-A']));
      const all = (await call('GET', `${intake}/reports`, await as('DCC', 'dcc'))).body as Array<{ reporterPartyId: string }>;
      expect(new Set(all.map((r) => r.reporterPartyId))).toEqual(new Set(['SUP-A', 'DCC', 'DNO-1']));
      expect((await call('GET', `${intake}/reports`, await as('SUP-B', 'supplier'))).body).toEqual([]);
      expect((await call('GET', `${intake}/reports/${supplierReport}`, await as('SUP-A', 'supplier'))).status).toBe(200);
      expect((await call('GET', `${intake}/reports/${supplierReport}`, await as('DCC', 'dcc'))).status).toBe(200);
      for (const [party, partyType] of [['SUP-B', 'supplier'], ['MFR-NW', 'manufacturer'], ['SECAS', 'secas'], ['DNO-1', 'network']] as const) {
        expect((await call('GET', `${intake}/reports/${supplierReport}`, await as(party, partyType))).status).toBe(404);
      }
    });

    describe('fix proposals (R5)', () => {
      const fix = { fixingFirmwareVersion: '3804050B', fixInformation: 'Upgrade to 3804050B.' };
      const ids: Record<string, string> = {};

      it('may be proposed by any party that provides or uses device data, not by SECAS or the DSP', async () => {
        const outcome: Record<string, number> = {};
        for (const partyType of PARTY_TYPES) {
          const response = await call('POST', `${intake}/fixes`, await as(partyOf[partyType], partyType), { ...fix, device: { make: 'Southwind', model: 'SW-1', firmwareVersion: '01' } });
          outcome[partyType] = response.status;
        }
        expect(outcome).toEqual({ dcc: 201, supplier: 201, network: 201, manufacturer: 201, csp: 201, dsp: 403, secas: 403 });
      });

      it('names a make/model/firmware, a provider item, or a report, and awaits the manufacturer', async () => {
        const byDevice = await call('POST', `${intake}/fixes`, await as('SUP-A', 'supplier'), {
          ...fix,
          device: { make: 'NORTHWIND  metering', model: 'NW-E1', firmwareVersion: '3804040A', deviceType: 'ESME' },
        });
        expect(byDevice.status).toBe(201);
        expect(byDevice.body).toMatchObject({ target: { kind: 'device' }, source: 'SEC Party', status: 'awaiting-manufacturer-confirmation', fixingFirmwareVersion: '3804050B' });
        ids.device = (byDevice.body as { fixId: string }).fixId;
        expect(ids.device).toMatch(/^F-\d{6}$/);

        const byItem = await call('POST', `${intake}/fixes`, await as('DNO-1', 'network'), { ...fix, item: { providerPartyId: 'MFR-NW', identifier: '0042' } });
        expect(byItem.body).toMatchObject({ target: { kind: 'item', providerPartyId: 'MFR-NW', identifier: '42' }, make: null });
        ids.item = (byItem.body as { fixId: string }).fixId;

        const byReport = await call('POST', `${intake}/fixes`, await as('SUP-A', 'supplier'), { ...fix, reportId: supplierReport });
        expect(byReport.body).toMatchObject({ target: { kind: 'report', reportId: supplierReport }, make: 'Northwind Metering', model: 'NW-E1', firmwareVersion: '3804040A', deviceType: 'ESME' });
        ids.report = (byReport.body as { fixId: string }).fixId;

        const [event] = await stream(`fix-${ids.report}`);
        expect(event).toMatchObject({ type: 'FixProposed', data: { fixId: ids.report, proposerPartyId: 'SUP-A', status: 'awaiting-manufacturer-confirmation' } });
        expect(event.metadata.actor).toMatchObject({ partyId: 'SUP-A' });
        expect(event.metadata.correlationId).toEqual(expect.any(String));
      });

      it("refuses someone else's report, two targets at once, and the affected firmware as its own fix", async () => {
        const refused = await call('POST', `${intake}/fixes`, await as('SUP-B', 'supplier'), { ...fix, reportId: supplierReport });
        expect([refused.status, (refused.body as { code: string }).code]).toEqual([404, 'REPORT_NOT_FOUND']);
        const both = await call('POST', `${intake}/fixes`, await as('SUP-A', 'supplier'), { ...fix, reportId: supplierReport, item: { providerPartyId: 'MFR-NW', identifier: '1' } });
        expect([both.status, (both.body as { code: string }).code]).toEqual([400, 'INVALID_FIX_TARGET']);
        const same = await call('POST', `${intake}/fixes`, await as('SUP-A', 'supplier'), { ...fix, fixingFirmwareVersion: '3804040a', reportId: supplierReport });
        expect([same.status, (same.body as { code: string }).code]).toEqual([422, 'FIX_FIRMWARE_UNCHANGED']);
      });

      it("is readable by the proposer's party, the manufacturer of the make or item, and the DCC only", async () => {
        const visible = async (party: string, partyType: PartyType) => {
          const list = (await call('GET', `${intake}/fixes`, await as(party, partyType))).body as Array<{ fixId: string }>;
          const mine = [ids.device, ids.item, ids.report].filter((id) => list.some((f) => f.fixId === id));
          for (const id of [ids.device, ids.item, ids.report]) {
            const one = await call('GET', `${intake}/fixes/${id}`, await as(party, partyType));
            expect(one.status).toBe(mine.includes(id) ? 200 : 404);
          }
          return mine;
        };
        expect(await visible('DCC', 'dcc')).toEqual([ids.device, ids.item, ids.report]);
        expect(await visible('MFR-NW', 'manufacturer')).toEqual([ids.device, ids.item, ids.report]);
        expect(await visible('SUP-A', 'supplier')).toEqual([ids.device, ids.report]);
        expect(await visible('DNO-1', 'network')).toEqual([ids.item]);
        expect(await visible('MFR-SW', 'manufacturer')).toEqual([]);
        expect(await visible('CSP-N', 'csp')).toEqual([]);
        expect(await visible('SUP-B', 'supplier')).toEqual([]);
        expect(await visible('SECAS', 'secas')).toEqual([]);
        // MFR-SW reads the Southwind proposals from the role matrix above, and only those.
        const southwind = (await call('GET', `${intake}/fixes`, await as('MFR-SW', 'manufacturer'))).body as Array<{ make: string }>;
        expect(southwind.length).toBe(5);
        expect(new Set(southwind.map((f) => f.make))).toEqual(new Set(['Southwind']));
      });
    });
  });

  describe('data requests', () => {
    const agreed = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);

    it('are issued by the DCC only, to registered manufacturers and CSPs', async () => {
      const outcome: Record<string, number> = {};
      for (const partyType of PARTY_TYPES) {
        outcome[partyType] = (await call('POST', `${intake}/data-requests`, await as(partyOf[partyType], partyType), { providerPartyId: 'MFR-NW', agreedDeliveryDate: agreed })).status;
      }
      expect(outcome).toEqual({ dcc: 201, supplier: 403, network: 403, manufacturer: 403, csp: 403, dsp: 403, secas: 403 });
      const csp = await call('POST', `${intake}/data-requests`, await as('DCC', 'dcc'), { providerPartyId: 'CSP-N', agreedDeliveryDate: agreed, note: 'Comms Hub data' });
      expect(csp.status).toBe(201);
      expect(csp.body).toMatchObject({ providerPartyType: 'csp', status: 'open', note: 'Comms Hub data' });
    });

    it("are fulfilled by the provider's next submission file, end to end (the reaction reads intake's event store)", async () => {
      const northwind = await as('MFR-NW', 'manufacturer');
      const [open] = (await call('GET', `${intake}/data-requests?status=open`, northwind)).body as Array<{ requestId: string }>;
      const csv = readFileSync(join(__dirname, '..', 'services', 'intake', 'test', 'fixtures', 'manufacturer-initial.csv'));
      const uploaded = await fetch(`${intake}/submissions?fileName=manufacturer-initial.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${northwind}`, 'content-type': 'text/csv' },
        body: csv,
      });
      expect(uploaded.status).toBe(201);
      const fulfilled = await waitFor(async () => {
        const view = (await call('GET', `${intake}/data-requests/${open.requestId}`, northwind)).body as { status: string; fulfilment: unknown };
        return view.status === 'fulfilled' ? view : undefined;
      }, 60_000, 'the submission to fulfil the data request');
      expect(fulfilled.fulfilment).toMatchObject({ late: false, submissionId: expect.any(String) });
      // The CSP's request is still open: only a submission from the provider asked fulfils a request.
      const [csp] = (await call('GET', `${intake}/data-requests`, await as('CSP-N', 'csp'))).body as Array<{ status: string }>;
      expect(csp.status).toBe('open');
    });

    it('are read by the DCC and SECAS, and by each provider for its own only', async () => {
      const outcome: Record<string, number | string[]> = {};
      for (const partyType of PARTY_TYPES) {
        const response = await call('GET', `${intake}/data-requests?status=open`, await as(partyOf[partyType], partyType));
        outcome[partyType] = response.status === 200 ? (response.body as Array<{ providerPartyId: string }>).map((r) => r.providerPartyId) : response.status;
      }
      expect(outcome).toEqual({ dcc: ['CSP-N'], secas: ['CSP-N'], manufacturer: [], csp: ['CSP-N'], supplier: 403, network: 403, dsp: 403 });
    });
  });
});
