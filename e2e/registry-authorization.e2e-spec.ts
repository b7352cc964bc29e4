import { waitFor } from '@smi/testing';
import { call, TestSystem } from './support/system';

/**
 * Who may change the party registry, and tokens that contradict it. Access keys on the token's `party`
 * claim, so a token whose `partyType` disagrees with the type its party is registered as must be refused
 * wherever the registry (or a copy of it) is at hand: intake and verification.
 */
describe('the party registry and the tokens that name its parties', () => {
  const system = new TestSystem();
  let intake: string;
  let verification: string;
  let admin: string;

  beforeAll(async () => {
    await system.start(['intake', 'verification']);
    intake = system.url('intake');
    verification = system.url('verification');
    admin = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    const registered = await call('POST', `${intake}/parties`, admin, { partyId: 'SUP-REG', name: 'Registered Supplier Ltd', partyType: 'supplier' });
    expect(registered.status).toBe(201);
  });

  afterAll(async () => {
    await system.stop();
  });

  it('registering or changing a party needs the registry.admin role, not only a DCC token', async () => {
    const dccWithoutRole = await system.token({ party: 'DCC', partyType: 'dcc' });
    const register = await call('POST', `${intake}/parties`, dccWithoutRole, { partyId: 'SUP-NOROLE', name: 'No Role Ltd', partyType: 'supplier' });
    expect(register.status).toBe(403);
    const change = await call('PUT', `${intake}/parties/SUP-REG`, dccWithoutRole, { name: 'Renamed' });
    expect(change.status).toBe(403);
    expect((await call('GET', `${intake}/parties/SUP-NOROLE`, admin)).status).toBe(404);
  });

  it('no party can be registered as the DCC', async () => {
    const answer = await call('POST', `${intake}/parties`, admin, { partyId: 'DCC-2', name: 'Another DCC', partyType: 'dcc' });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('partyType');
    expect((await call('GET', `${intake}/parties/DCC-2`, admin)).status).toBe(404);
  });

  it('intake refuses a token whose party type contradicts the registry, and accepts the true one', async () => {
    const posingAsSecas = await system.token({ party: 'SUP-REG', partyType: 'secas' });
    const refused = await call('GET', `${intake}/data-requests`, posingAsSecas);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect((refused.body as { message: string }).message).toBe("the token's party SUP-REG is registered as supplier, not secas");
    const posingAsDcc = await system.token({ party: 'SUP-REG', partyType: 'dcc' });
    expect((await call('GET', `${intake}/parties`, posingAsDcc)).status).toBe(401);
    const truthful = await system.token({ party: 'SUP-REG', partyType: 'supplier' });
    expect((await call('GET', `${intake}/parties/SUP-REG`, truthful)).status).toBe(200);
  });

  it('verification refuses it too, from its copy of the registry', async () => {
    const truthful = await system.token({ party: 'SUP-REG', partyType: 'supplier' });
    // The copy arrives over Kafka: wait until verification knows the party.
    await waitFor(async () => (await call('GET', `${verification}/parties/SUP-REG`, admin)).status === 200, 30_000, 'verification to copy SUP-REG');
    // Accepted as the supplier it is (the endpoint is for DCC only: 403, not 401).
    expect((await call('GET', `${verification}/parties/SUP-REG`, truthful)).status).toBe(403);
    const posingAsDcc = await system.token({ party: 'SUP-REG', partyType: 'dcc' });
    const refused = await call('GET', `${verification}/parties/SUP-REG`, posingAsDcc);
    expect(refused.status).toBe(401);
    expect((refused.body as { message: string }).message).toBe("the token's party SUP-REG is registered as supplier, not dcc");
  });
});
