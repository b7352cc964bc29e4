import { TestKafka, TopicReader } from './support/kafka';
import { call, TestSystem } from './support/system';

interface MakeView {
  makeId: string;
  name: string;
  aliases: string[];
  manufacturerId: string | null;
  models: Array<{ modelId: string; name: string; aliases: string[]; smiModelId: string | null }>;
  version: number;
}

/**
 * The DCC catalogue on the compiled verification service: DCC verifiers keep canonical makes and models,
 * other DCC users read them, nobody else sees them; every change is an event on the make's stream and on
 * verification.events.
 */
describe('the DCC catalogue of makes and models', () => {
  const system = new TestSystem();
  const kafka = new TestKafka();
  let verification: string;
  let verifier: string;
  let events: TopicReader;

  beforeAll(async () => {
    await system.start(['verification']);
    verification = system.url('verification');
    verifier = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['verifier'] });
    events = await kafka.read(`${system.topicPrefix}.verification.events`);
  });

  afterAll(async () => {
    await kafka.close();
    await system.stop();
  });

  it('keeps canonical makes and models with their spellings and SMI ids, and resolves an item’s spellings to them', async () => {
    const added = await call('POST', `${verification}/catalogue/makes`, verifier, { name: 'Northwind Metering', aliases: ['NW Metering'], manufacturerId: '1a2b' });
    expect(added).toMatchObject({ status: 201, body: { name: 'Northwind Metering', aliases: ['NW Metering'], manufacturerId: '1A2B', models: [], version: 1 } });
    const make = added.body as MakeView;

    const model = await call('POST', `${verification}/catalogue/makes/${make.makeId}/models`, verifier, { name: 'NW-E470', aliases: ['E470'], smiModelId: '0000e470' });
    expect(model).toMatchObject({ status: 201, body: { name: 'NW-E470', aliases: ['E470'], smiModelId: '0000E470' } });
    const modelId = (model.body as { modelId: string }).modelId;

    const mapped = await call('POST', `${verification}/catalogue/makes/${make.makeId}/aliases`, verifier, { alias: 'North  Wind' });
    expect(mapped).toMatchObject({ status: 201, body: { aliases: ['NW Metering', 'North Wind'] } });
    const modelAlias = await call('POST', `${verification}/catalogue/makes/${make.makeId}/models/${modelId}/aliases`, verifier, { alias: 'E 470' });
    expect(modelAlias).toMatchObject({ status: 201, body: { aliases: ['E470', 'E 470'] } });
    const renamed = await call('PUT', `${verification}/catalogue/makes/${make.makeId}`, verifier, { name: 'Northwind Metering Ltd', manufacturerId: '1A2B' });
    expect(renamed).toMatchObject({ status: 200, body: { name: 'Northwind Metering Ltd', aliases: ['NW Metering', 'North Wind', 'Northwind Metering'] } });
    const changedModel = await call('PUT', `${verification}/catalogue/makes/${make.makeId}/models/${modelId}`, verifier, { name: 'NW-E470', smiModelId: '0000E471' });
    expect(changedModel).toMatchObject({ status: 200, body: { smiModelId: '0000E471' } });

    const reader = await system.token({ party: 'DCC', partyType: 'dcc' });
    expect(await call('GET', `${verification}/catalogue/makes/${make.makeId}/models`, reader)).toMatchObject({ status: 200, body: [{ modelId, name: 'NW-E470' }] });
    const found = await call('GET', `${verification}/catalogue/makes?q=north%20wind`, reader);
    expect((found.body as MakeView[])[0]).toMatchObject({ makeId: make.makeId });
    const resolved = await call('GET', `${verification}/catalogue/resolve?make=northwind%20metering&model=e%20470`, reader);
    expect(resolved).toMatchObject({
      status: 200,
      body: { makeId: make.makeId, make: 'Northwind Metering Ltd', manufacturerId: '1A2B', modelId, model: 'NW-E470', smiModelId: '0000E471' },
    });
    const missing = await call('GET', `${verification}/catalogue/resolve?make=Northwind%20Meterin&model=E470`, reader);
    expect(missing).toMatchObject({ status: 200, body: { missing: 'make', suggestions: expect.arrayContaining(['Northwind Metering']) } });

    // Every change is an event on the make's stream, with who made it, and is published on verification.events.
    const stream = `catalogue-make-${make.makeId}`;
    const audit = await call('GET', `${verification}/audit/streams/${stream}`, reader);
    const recorded = (audit.body as { events: Array<{ type: string; metadata: { actor: { partyId: string; roles: string[] } } }> }).events;
    expect(recorded.map((e) => e.type)).toEqual(['MakeAdded', 'ModelAdded', 'MakeAliasAdded', 'ModelAliasAdded', 'MakeChanged', 'ModelChanged']);
    expect(recorded.every((e) => e.metadata.actor.partyId === 'DCC' && e.metadata.actor.roles.includes('verifier'))).toBe(true);
    await events.waitForKey(stream, 6);
    expect(events.received.filter((m) => m.key === stream).map((m) => m.headers.ce_type)).toEqual(recorded.map((e) => e.type));
  });

  it('is changed by DCC verifiers only and read by DCC only (403 otherwise)', async () => {
    const dccReader = await system.token({ party: 'DCC', partyType: 'dcc' });
    expect((await call('POST', `${verification}/catalogue/makes`, dccReader, { name: 'Contoso' })).status).toBe(403);
    const manufacturer = await system.token({ party: 'MFR-NW', partyType: 'manufacturer', roles: ['verifier'] });
    expect((await call('GET', `${verification}/catalogue/makes`, manufacturer)).status).toBe(403);
    expect((await call('POST', `${verification}/catalogue/makes`, manufacturer, { name: 'Contoso' })).status).toBe(403);
    expect((await call('GET', `${verification}/catalogue/makes`)).status).toBe(401);
    expect((await call('GET', `${verification}/catalogue/makes?q=contoso`, dccReader)).body).toEqual([]);
  });

  it('refuses a spelling or manufacturer id another make holds (409 naming it) and ids not in hex (400), recording nothing', async () => {
    const first = (await call('POST', `${verification}/catalogue/makes`, verifier, { name: 'Adatum', aliases: ['ADT'], manufacturerId: 'ABCD' })).body as MakeView;
    const second = (await call('POST', `${verification}/catalogue/makes`, verifier, { name: 'Adventure Works' })).body as MakeView;

    const duplicateAlias = await call('POST', `${verification}/catalogue/makes/${second.makeId}/aliases`, verifier, { alias: 'adt' });
    expect(duplicateAlias).toMatchObject({ status: 409, body: { code: 'MAKE_SPELLING_CONFLICT', details: { makeId: first.makeId, make: 'Adatum' } } });
    const duplicateId = await call('PUT', `${verification}/catalogue/makes/${second.makeId}`, verifier, { name: 'Adventure Works', manufacturerId: 'abcd' });
    expect(duplicateId).toMatchObject({ status: 409, body: { code: 'MANUFACTURER_ID_CONFLICT', details: { makeId: first.makeId } } });

    const badManufacturerId = await call('POST', `${verification}/catalogue/makes`, verifier, { name: 'Fabrikam', manufacturerId: '12G4' });
    expect(badManufacturerId.status).toBe(400);
    expect(JSON.stringify(badManufacturerId.body)).toContain('manufacturerId');
    const model = await call('POST', `${verification}/catalogue/makes/${second.makeId}/models`, verifier, { name: 'AW-1', smiModelId: '1234' });
    expect(model.status).toBe(400);
    expect(JSON.stringify(model.body)).toContain('smiModelId');
    expect((await call('GET', `${verification}/catalogue/makes/not-a-uuid`, verifier)).status).toBe(400);
    expect((await call('GET', `${verification}/catalogue/makes/${crypto.randomUUID()}`, verifier)).status).toBe(404);

    const untouched = await call('GET', `${verification}/audit/streams/catalogue-make-${second.makeId}`, verifier);
    expect((untouched.body as { events: Array<{ type: string }> }).events.map((e) => e.type)).toEqual(['MakeAdded']);
    expect((await call('GET', `${verification}/catalogue/makes?q=fabrikam`, verifier)).body).toEqual([]);
  });
});
