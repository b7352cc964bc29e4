import { Actor } from '@smi/auth';
import { DataSource } from 'typeorm';
import { CatalogueLookup } from './catalogue-lookup';
import { MakeView, ModelView } from './catalogue.dto';
import { VerificationTestApp, startVerificationTestApp } from '../test-support/verification-test-app';

interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: { actor?: Actor; correlationId: string };
}

describe('DCC catalogue on PostgreSQL', () => {
  let verification: VerificationTestApp;
  let verifier: string;
  let lookup: CatalogueLookup;
  const actor: Actor = { userId: 'DCC-user', partyId: 'DCC', partyType: 'dcc', roles: ['verifier'] };

  beforeAll(async () => {
    verification = await startVerificationTestApp('catalogue');
    verifier = await verification.token({ party: 'DCC', partyType: 'dcc', roles: ['verifier'] });
    lookup = verification.app.get(CatalogueLookup);
  }, 60_000);

  afterAll(async () => {
    await verification?.stop();
  });

  const stream = async (makeId: string) =>
    ((await verification.call('GET', `/audit/streams/catalogue-make-${makeId}`, verifier)).body as { events: StreamEvent[] }).events;

  async function addMake(body: { name: string; aliases?: string[]; manufacturerId?: string | null }): Promise<MakeView> {
    const response = await verification.call('POST', '/catalogue/makes', verifier, body);
    expect(response.status).toBe(201);
    return response.body as MakeView;
  }

  async function addModel(makeId: string, body: { name: string; aliases?: string[]; smiModelId?: string | null }): Promise<ModelView> {
    const response = await verification.call('POST', `/catalogue/makes/${makeId}/models`, verifier, body);
    expect(response.status).toBe(201);
    return response.body as ModelView;
  }

  it('resolves an item’s spellings to canonical names and ids, ignoring case and repeated spaces', async () => {
    const make = await addMake({ name: 'Northwind Metering', aliases: ['NW Metering'], manufacturerId: '1a2b' });
    const model = await addModel(make.makeId, { name: 'NW-E470', aliases: ['E470'], smiModelId: '0000e470' });

    await expect(lookup.resolve('  nw   metering ', 'e470')).resolves.toEqual({
      makeId: make.makeId,
      make: 'Northwind Metering',
      manufacturerId: '1A2B',
      modelId: model.modelId,
      model: 'NW-E470',
      smiModelId: '0000E470',
    });
    const listed = (await verification.call('GET', `/catalogue/makes/${make.makeId}`, verifier)).body as MakeView;
    expect(listed).toMatchObject({ name: 'Northwind Metering', aliases: ['NW Metering'], manufacturerId: '1A2B', models: [model], version: 2 });
  });

  it('says which is missing, with the closest spellings the catalogue knows', async () => {
    const make = await addMake({ name: 'Contoso Energy', aliases: ['Contoso'] });
    await addModel(make.makeId, { name: 'CX-100', aliases: ['CX100'] });

    await expect(lookup.resolve('Contoso Energie', 'CX-100')).resolves.toEqual({ missing: 'make', suggestions: expect.arrayContaining(['Contoso Energy', 'Contoso']) });
    const missingModel = await lookup.resolve('contoso', 'CX-10');
    expect(missingModel).toEqual({ missing: 'model', makeId: make.makeId, make: 'Contoso Energy', suggestions: expect.arrayContaining(['CX-100']) });
  });

  it('maps a new spelling for the case workflow, so that the next resolve finds it, as an event by the verifier', async () => {
    const make = await addMake({ name: 'Fabrikam' });
    const model = await addModel(make.makeId, { name: 'FB-2' });
    await lookup.addAlias({ makeId: make.makeId }, 'Fabrikam Ltd', { actor, correlationId: 'case-verify-1' });
    await lookup.addAlias({ makeId: make.makeId, modelId: model.modelId }, 'FB 2', { actor, correlationId: 'case-verify-1' });

    await expect(lookup.resolve('fabrikam ltd', 'fb 2')).resolves.toMatchObject({ makeId: make.makeId, modelId: model.modelId, model: 'FB-2' });
    const events = await stream(make.makeId);
    expect(events.map((e) => e.type)).toEqual(['MakeAdded', 'ModelAdded', 'MakeAliasAdded', 'ModelAliasAdded']);
    expect(events[2]).toMatchObject({ data: { alias: 'Fabrikam Ltd' }, metadata: { correlationId: 'case-verify-1', actor: { partyId: 'DCC' } } });
  });

  it('maps a spelling inside the caller’s transaction, and keeps nothing when that transaction rolls back', async () => {
    const make = await addMake({ name: 'Litware' });
    const dataSource = verification.app.get(DataSource);
    await expect(
      dataSource.transaction(async (manager) => {
        await lookup.addAlias({ makeId: make.makeId }, 'Litware Inc', { actor, correlationId: 'case-verify-2', manager });
        await expect(lookup.resolve('Litware Inc', 'x', manager)).resolves.toMatchObject({ missing: 'model', makeId: make.makeId });
        throw new Error('the case could not be verified');
      }),
    ).rejects.toThrow('the case could not be verified');
    await expect(lookup.resolve('Litware Inc', 'x')).resolves.toMatchObject({ missing: 'make' });
    expect((await stream(make.makeId)).map((e) => e.type)).toEqual(['MakeAdded']);
  });

  it('refuses a spelling another make holds with 409 naming that make, and records nothing', async () => {
    const first = await addMake({ name: 'Adatum', aliases: ['ADT'] });
    const second = await addMake({ name: 'Adventure Works' });

    const alias = await verification.call('POST', `/catalogue/makes/${second.makeId}/aliases`, verifier, { alias: ' adt ' });
    expect(alias.status).toBe(409);
    expect(alias.body).toMatchObject({ code: 'MAKE_SPELLING_CONFLICT', details: { makeId: first.makeId, make: 'Adatum' } });
    expect(String((alias.body as { message: string }).message)).toContain('Adatum');

    const added = await verification.call('POST', '/catalogue/makes', verifier, { name: 'ADATUM' });
    expect(added).toMatchObject({ status: 409, body: { code: 'MAKE_SPELLING_CONFLICT', details: { makeId: first.makeId } } });
    const renamed = await verification.call('PUT', `/catalogue/makes/${second.makeId}`, verifier, { name: 'Adt' });
    expect(renamed).toMatchObject({ status: 409, body: { code: 'MAKE_SPELLING_CONFLICT' } });

    expect((await stream(second.makeId)).map((e) => e.type)).toEqual(['MakeAdded']);
    expect((await verification.call('GET', `/catalogue/makes/${second.makeId}`, verifier)).body).toMatchObject({ name: 'Adventure Works', aliases: [], version: 1 });
  });

  it('gives one SMI manufacturer id to one make only, and frees it when the make changes id', async () => {
    const first = await addMake({ name: 'Proseware', manufacturerId: 'ABCD' });
    const second = await addMake({ name: 'Tailspin' });

    const taken = await verification.call('PUT', `/catalogue/makes/${second.makeId}`, verifier, { name: 'Tailspin', manufacturerId: 'abcd' });
    expect(taken).toMatchObject({ status: 409, body: { code: 'MANUFACTURER_ID_CONFLICT', details: { field: 'manufacturerId', makeId: first.makeId } } });

    expect((await verification.call('PUT', `/catalogue/makes/${first.makeId}`, verifier, { name: 'Proseware', manufacturerId: 'ABCE' })).status).toBe(200);
    const moved = await verification.call('PUT', `/catalogue/makes/${second.makeId}`, verifier, { name: 'Tailspin', manufacturerId: 'ABCD' });
    expect(moved).toMatchObject({ status: 200, body: { manufacturerId: 'ABCD' } });
  });

  it('lets only one of two makes take a spelling mapped to both at the same time', async () => {
    const makes = await Promise.all([addMake({ name: 'Wingtip' }), addMake({ name: 'Woodgrove' })]);
    const answers = await Promise.all(makes.map((m) => verification.call('POST', `/catalogue/makes/${m.makeId}/aliases`, verifier, { alias: 'WG Meters' })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const owners = await Promise.all(makes.map(async (m) => (await stream(m.makeId)).filter((e) => e.type === 'MakeAliasAdded').length));
    expect(owners.sort()).toEqual([0, 1]);
  });

  it('finds makes by a name or alias containing or close to the search, closest first', async () => {
    const make = await addMake({ name: 'Blue Yonder Smart', aliases: ['BYS Meters'] });
    const byAlias = (await verification.call('GET', '/catalogue/makes?q=bys%20%20meters', verifier)).body as MakeView[];
    expect(byAlias[0].makeId).toBe(make.makeId);
    const byPart = (await verification.call('GET', '/catalogue/makes?q=yonder', verifier)).body as MakeView[];
    expect(byPart.map((m) => m.makeId)).toContain(make.makeId);
    const all = (await verification.call('GET', '/catalogue/makes', verifier)).body as MakeView[];
    expect(all.length).toBeGreaterThan(5);
  });
});
