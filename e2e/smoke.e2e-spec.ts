import { waitFor } from '@smi/testing';
import { call, TestSystem } from './support/system';

/**
 * The whole path across processes over the real broker: an HTTP request to intake records an event,
 * intake's relay publishes it to Kafka, and the verification process consumes it into its own database.
 */
describe('smoke: one service process to another over Kafka', () => {
  const system = new TestSystem();

  beforeAll(async () => {
    await system.start(['intake', 'verification']);
  });

  afterAll(async () => {
    await system.stop();
  });

  it('each service answers ready with its database and Kafka reachable, and serves OpenAPI', async () => {
    for (const name of ['intake', 'verification'] as const) {
      const health = await call('GET', `${system.url(name)}/health`);
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ service: name, status: 'ready', checks: { database: { status: 'up' }, kafka: { status: 'up' } } });
      const openapi = await call('GET', `${system.url(name)}/docs/openapi.json`);
      expect(openapi.status).toBe(200);
      expect((openapi.body as { openapi: string }).openapi).toMatch(/^3\./);
    }
  });

  it('a party registered at intake reaches verification through Kafka', async () => {
    const dcc = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    const registered = await call('POST', `${system.url('intake')}/parties`, dcc, {
      partyId: 'MFR-NORTHWIND',
      name: 'Northwind Metering Ltd',
      partyType: 'manufacturer',
      makes: ['Northwind Metering'],
    });
    expect(registered.status).toBe(201);
    const seen = await waitFor(async () => {
      const response = await call('GET', `${system.url('verification')}/parties/MFR-NORTHWIND`, dcc);
      return response.status === 200 ? response.body : undefined;
    }, 60_000, 'verification to project the party');
    expect(seen).toMatchObject({ partyId: 'MFR-NORTHWIND', partyType: 'manufacturer', makes: ['Northwind Metering'] });
  });

  it('refuses callers without a token or with the wrong party type', async () => {
    expect((await call('POST', `${system.url('intake')}/parties`, undefined, {})).status).toBe(401);
    const supplier = await system.token({ party: 'SUP-A', partyType: 'supplier' });
    const refused = await call('POST', `${system.url('intake')}/parties`, supplier, { partyId: 'X', name: 'X', partyType: 'supplier', makes: [] });
    expect(refused.status).toBe(403);
  });
});
