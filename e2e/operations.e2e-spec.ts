import { waitFor } from '@smi/testing';
import { call, TestSystem } from './support/system';

/** What operators use on every service: audit history, correlation search, relay and read-model control. */
describe('operations and audit endpoints', () => {
  const system = new TestSystem();
  let dcc: string;
  let operator: string;
  let supplier: string;
  let intake: string;

  beforeAll(async () => {
    await system.start(['intake']);
    intake = system.url('intake');
    dcc = await system.token({ sub: 'dcc-analyst', party: 'DCC', partyType: 'dcc', roles: ['analyst', 'registry.admin'] });
    operator = await system.token({ sub: 'dcc-operator', party: 'DCC', partyType: 'dcc', roles: ['operator'] });
    supplier = await system.token({ party: 'SUP-A', partyType: 'supplier' });
  });

  afterAll(async () => {
    await system.stop();
  });

  async function register(partyId: string, partyType: string, makes: string[], requestId?: string) {
    const response = await fetch(`${intake}/parties`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dcc}`, 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
      body: JSON.stringify({ partyId, name: `${partyId} Ltd`, partyType, makes }),
    });
    expect(response.status).toBe(201);
    return response;
  }

  it('lists a stream with actor and correlation id, by correlation, and as of a time', async () => {
    const response = await register('MFR-AUDIT', 'manufacturer', ['Audit Meters'], 'req-audit-0001');
    expect(response.headers.get('x-request-id')).toBe('req-audit-0001');
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const changed = await call('PUT', `${intake}/parties/MFR-AUDIT`, dcc, { name: 'Audit Meters plc', makes: ['Audit Meters'] });
    expect(changed.status).toBe(200);

    const history = await call('GET', `${intake}/audit/streams/party-MFR-AUDIT`, dcc);
    expect(history.status).toBe(200);
    const events = (history.body as { events: Array<{ type: string; metadata: Record<string, unknown> }> }).events;
    expect(events.map((e) => e.type)).toEqual(['PartyRegistered', 'PartyDetailsChanged']);
    expect(events[0].metadata).toMatchObject({
      correlationId: 'req-audit-0001',
      sourceService: 'intake',
      actor: { userId: 'dcc-analyst', partyId: 'DCC', partyType: 'dcc', roles: ['analyst', 'registry.admin'] },
    });
    expect(events[0].metadata.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);

    const asOf = await call('GET', `${intake}/audit/streams/party-MFR-AUDIT?asOf=${encodeURIComponent(between)}`, dcc);
    expect((asOf.body as { events: unknown[] }).events).toHaveLength(1);
    expect((await call('GET', `${intake}/audit/streams/party-MFR-AUDIT?asOf=yesterday`, dcc)).status).toBe(400);

    const correlated = await call('GET', `${intake}/audit/correlations/req-audit-0001`, dcc);
    expect((correlated.body as { events: Array<{ streamId: string }> }).events.map((e) => e.streamId)).toEqual(['party-MFR-AUDIT']);
  });

  it('rebuilds a read model beside the live one while reads continue, losing no event', async () => {
    for (let i = 0; i < 15; i++) await register(`MFR-R${i}`, i % 3 === 0 ? 'csp' : 'manufacturer', [`Make ${i}`]);
    const expectedTotal = async () => ((await call('GET', `${intake}/parties`, dcc)).body as unknown[]).length;
    const total = await expectedTotal();
    const overviewTotal = async () => {
      const response = await call('GET', `${intake}/parties/overview`, dcc);
      if (response.status !== 200) throw new Error(`overview answered ${response.status}`);
      return (response.body as Array<{ parties: number }>).reduce((n, r) => n + r.parties, 0);
    };
    await waitFor(async () => (await overviewTotal()) === total, 30_000, 'the overview to catch up');

    expect((await call('POST', `${intake}/ops/projections/registry_overview/rebuild`, dcc)).status).toBe(403); // no operator role
    expect((await call('POST', `${intake}/ops/projections/nothing_here/rebuild`, operator)).status).toBe(404);

    let reading = true;
    const readErrors: string[] = [];
    const reads: number[] = [];
    const reader = (async () => {
      while (reading) {
        try {
          reads.push(await overviewTotal());
        } catch (error) {
          readErrors.push((error as Error).message);
        }
      }
    })();
    const started = await call('POST', `${intake}/ops/projections/registry_overview/rebuild`, operator);
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ rebuilding: 'registry_overview_v2' });
    await register('MFR-DURING', 'manufacturer', ['During']);
    await waitFor(async () => {
      const progress = (await call('GET', `${intake}/ops/projections/registry_overview/rebuild`, dcc)).body as { rebuilding: boolean };
      return !progress.rebuilding;
    }, 60_000, 'the rebuild to switch');
    await waitFor(async () => (await overviewTotal()) === total + 1, 30_000, 'the rebuilt model to include every event');
    reading = false;
    await reader;
    expect(readErrors).toEqual([]);
    expect(reads.length).toBeGreaterThan(0);
    const status = (await call('GET', `${intake}/ops/projections`, dcc)).body as Array<{ projection: string; activeTable: string }>;
    // Intake's async read models: the overview, and the reactions (their views of unreadable events): data-request
    // fulfilment and the webhooks' outbox.
    expect(status.map((s) => s.projection).sort()).toEqual(['registry_overview', 'submission_fulfilment', 'webhook_outbox']);
    expect(status).toContainEqual(expect.objectContaining({ projection: 'registry_overview', activeTable: 'registry_overview_v2' }));
  });

  it('reports the relay and re-publishes from a position on request', async () => {
    const relay = await waitFor(async () => {
      const body = (await call('GET', `${intake}/ops/relay`, dcc)).body as { running: boolean; backlog: number; active: boolean };
      return body.active && body.backlog === 0 ? body : undefined;
    }, 30_000, 'the relay to drain');
    expect(relay.running).toBe(true);
    expect((await call('POST', `${intake}/ops/relay/rewind`, operator, { fromPosition: '1' })).status).toBe(202);
    expect((await call('POST', `${intake}/ops/relay/rewind`, operator, { fromPosition: '99999999' })).status).toBe(400);
    expect((await call('POST', `${intake}/ops/relay/rewind`, operator, { fromPosition: 'abc' })).status).toBe(400);
  });

  it.each([
    ['GET', '/audit/streams/party-MFR-AUDIT'],
    ['GET', '/audit/correlations/req-audit-0001'],
    ['GET', '/ops/relay'],
    ['GET', '/ops/projections'],
    ['POST', '/ops/relay/rewind'],
    ['POST', '/ops/projections/registry_overview/rebuild'],
  ])('%s %s refuses anonymous callers (401) and non-DCC parties (403)', async (method, path) => {
    expect((await call(method, `${intake}${path}`, undefined, method === 'POST' ? { fromPosition: '1' } : undefined)).status).toBe(401);
    expect((await call(method, `${intake}${path}`, supplier, method === 'POST' ? { fromPosition: '1' } : undefined)).status).toBe(403);
  });
});
