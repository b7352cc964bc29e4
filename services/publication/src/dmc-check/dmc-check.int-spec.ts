import { PARTY_TYPES, PartyType } from '@smi/auth';
import { CanonicalDevice } from '@smi/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PublicationTestApp, publicationTokens, startPublicationTestApp } from '../test-support/publication-test-app';
import { publicationSettled } from '../test-support/publication-waits';
import {
  caseStream,
  itemContent,
  ItemContent,
  itemWithdrawn,
  makeAdded,
  makeStream,
  modelAdded,
  publishedItem,
  publishedItemCase,
  VerificationTopic,
  verifiedItemCase,
} from '../test-support/verification-events';

/**
 * The Device Model Combination check end to end inside the service: verification's events produced to the test
 * topic in the contracts' shapes, copied, projected, and one installation of six devices checked over HTTP by
 * every kind of party.
 */

const device = (make: string, manufacturerId: string, model: string, smiModelId: string): CanonicalDevice => ({
  makeId: randomUUID(),
  make,
  manufacturerId,
  modelId: randomUUID(),
  model,
  smiModelId,
});
const northwind = device('Northwind Metering', '1A2B', 'NW-E470', '0000E470');
const commsCo = { ...device('Comms Co', '0C0C', 'CH-1', '0000C001') };
const acme = device('Acme Meters', '10A3', 'X1', '00050203');
const pixel = device('Pixel Prepay', '0D0D', 'P1', '0000D001');
const homeDisplay = device('Home Display Co', '0E0E', 'IHD-9', '0000E009');
const homeCad = { ...homeDisplay, modelId: randomUUID(), model: 'CAD-2', smiModelId: '0000E002' };

const A42 = randomUUID(); // ESME, published, fixed by 38040405
const A43 = randomUUID(); // ESME, same firmware, published, no fixing firmware named
const A50 = randomUUID(); // ESME, another firmware: not this installation's
const H1 = randomUUID(); // CHF, published, fixed by 0101AAAB
const H2 = randomUUID(); // CHF, same firmware: verified, no fix, never published
const G7 = randomUUID(); // GSME, published
const I9 = randomUUID(); // IHD: verified, no fix
const W5 = randomUUID(); // CAD: published, then withdrawn

const esmeContent = (identifier: string, firmwareVersion = '38040404') => itemContent({ identifier, firmwareVersion, fixInformation: `Fix for ${identifier}` });
const content = {
  H1: itemContent({ identifier: '101', make: 'Comms Co', model: 'CH-1', firmwareVersion: '0101AAAA', deviceType: 'CHF', source: 'CSP', fixInformation: 'Upgrade the hub' }),
  H2: itemContent({ identifier: '102', make: 'Comms Co', model: 'CH-1', firmwareVersion: '0101AAAA', deviceType: 'CHF', source: 'CSP', fixAvailable: false, fixInformation: null }),
  G7: itemContent({ identifier: '7', make: 'ACME', model: 'X1', firmwareVersion: '38041111', deviceType: 'GSME', fixInformation: 'Replace the battery pack' }),
  I9: itemContent({ identifier: '9', make: 'Home Display Co', model: 'IHD-9', firmwareVersion: '00000009', deviceType: 'IHD', fixAvailable: false, fixInformation: null }),
  W5: itemContent({ identifier: '5', make: 'Home Display Co', model: 'CAD-2', firmwareVersion: '00000002', deviceType: 'CAD', fixInformation: 'Recalled fix' }),
};

/** The installation: ESME, communications hub, GSME, PPMID, IHD, CAD; spelled as a supplier might. */
const MEMBERS = [
  { deviceType: 'ESME', make: 'nw  metering', model: 'e470', firmwareVersion: '38040404' },
  { deviceType: 'CHF', make: 'Comms Co', model: 'CH-1', firmwareVersion: '0101aaaa' },
  { deviceType: 'GSME', make: 'ACME', model: 'X1', firmwareVersion: '38041111' },
  { deviceType: 'PPMID', make: 'Pixel Prepay', model: 'P1', firmwareVersion: '00000001' },
  { deviceType: 'IHD', make: 'Home Display Co', model: 'IHD-9', firmwareVersion: '00000009' },
  { deviceType: 'CAD', make: 'Home Display Co', model: 'CAD-2', firmwareVersion: '00000002' },
];

const MEMBER_KEYS = ['deviceType', 'make', 'model', 'firmwareVersion', 'affected', 'fixAvailable', 'fixingFirmwareVersions', 'items', 'moreItems'];

type Member = { affected: boolean; fixAvailable: boolean | null; fixingFirmwareVersions: string[]; moreItems: boolean; items: Array<Record<string, unknown> & { id: string }> };
type Answer = { includesUnpublished: boolean; members: Member[] };

describe('the Device Model Combination check (real PostgreSQL and Kafka)', () => {
  let publication: PublicationTestApp;
  let db: DataSource;
  let verification: VerificationTopic;
  let tokens: Record<PartyType, string>;
  let registrar: string;
  /** Every body answered to a party outside DCC. */
  const outsideBodies: string[] = [];

  const check = async (token: string, body: unknown) => {
    const answer = await publication.call('POST', '/defects/dmc-check', token, body);
    if (token !== tokens.dcc) outsideBodies.push(JSON.stringify(answer.body ?? ''));
    return answer;
  };
  const checked = async (token: string, body: unknown = { members: MEMBERS }): Promise<Answer> => {
    const answer = await check(token, body);
    expect(answer.status).toBe(200);
    return answer.body as Answer;
  };
  const ids = (answer: Answer) => answer.members.map((member) => member.items.map((item) => item.id));

  const publish = (caseId: string, content: ItemContent, canonical: CanonicalDevice, fixingFirmwareVersion: string | null = null) =>
    verification.send(caseStream(caseId), publishedItemCase(caseId, content, canonical, fixingFirmwareVersion));
  const verifyWithoutFix = (caseId: string, content: ItemContent, canonical: CanonicalDevice) => verification.send(caseStream(caseId), verifiedItemCase(caseId, content, canonical));

  beforeAll(async () => {
    publication = await startPublicationTestApp('dmc-check');
    db = publication.app.get(DataSource);
    verification = new VerificationTopic(publication.topicPrefix);
    ({ byPartyType: tokens, registrar } = await publicationTokens(publication));

    for (const [canonical, aliases] of [
      [northwind, ['NW Metering']],
      [commsCo, []],
      [acme, ['ACME']],
      [pixel, []],
      [homeDisplay, []],
    ] as const) {
      await verification.send(makeStream(canonical.makeId), [
        makeAdded(canonical.makeId, canonical.make, [...aliases], canonical.manufacturerId),
        modelAdded(canonical.makeId, canonical.modelId, canonical.model, canonical === northwind ? ['E470'] : [], canonical.smiModelId),
      ]);
    }
    await verification.send(makeStream(homeDisplay.makeId), [modelAdded(homeDisplay.makeId, homeCad.modelId, 'CAD-2', [], '0000E002')]);
    await publish(A43, esmeContent('43'), northwind);
    await publish(A42, esmeContent('42'), northwind, '38040405');
    await publish(A50, esmeContent('50', '38049999'), northwind, '38049998');
    await publish(H1, content.H1, commsCo, '0101AAAB');
    await verifyWithoutFix(H2, content.H2, commsCo);
    await publish(G7, content.G7, acme);
    await verifyWithoutFix(I9, content.I9, homeDisplay);
    await publish(W5, content.W5, homeCad);
    await verification.send(caseStream(W5), [itemWithdrawn(W5, 3, publishedItem(W5, homeCad, content.W5), 'The fix was recalled')]);
    await publicationSettled(publication, tokens.dcc, { verification });
  }, 120_000);

  afterAll(async () => {
    await verification?.close();
    await publication?.stop();
  });

  it('answers each of the six devices with its published issues and defects, their fix and the fixing firmware, in the order asked', async () => {
    const answer = await checked(tokens.supplier);
    expect(Object.keys(answer)).toEqual(['includesUnpublished', 'members']);
    expect(answer.includesUnpublished).toBe(false);
    for (const member of answer.members) expect(Object.keys(member)).toEqual(MEMBER_KEYS);
    // Items in the neutral order: 42 before 43 although 43 was published first.
    expect(ids(answer)).toEqual([[A42, A43], [H1], [G7], [], [], []]);
    expect(answer.members.map(({ affected, fixAvailable, fixingFirmwareVersions, moreItems }) => ({ affected, fixAvailable, fixingFirmwareVersions, moreItems }))).toEqual([
      { affected: true, fixAvailable: true, fixingFirmwareVersions: ['38040405'], moreItems: false },
      { affected: true, fixAvailable: true, fixingFirmwareVersions: ['0101AAAB'], moreItems: false },
      { affected: true, fixAvailable: true, fixingFirmwareVersions: [], moreItems: false },
      { affected: false, fixAvailable: null, fixingFirmwareVersions: [], moreItems: false },
      { affected: false, fixAvailable: null, fixingFirmwareVersions: [], moreItems: false },
      { affected: false, fixAvailable: null, fixingFirmwareVersions: [], moreItems: false },
    ]);
    // Each member says which device it answers, as asked.
    expect(answer.members.map((m) => (m as unknown as { make: string }).make)).toEqual(MEMBERS.map((m) => m.make));
    expect(answer.members[0].items[0]).toMatchObject({ identifier: '42', make: 'Northwind Metering', model: 'NW-E470', firmwareVersion: '38040404', fixAvailable: true, fixInformation: 'Fix for 42', fixingFirmwareVersion: '38040405' });
    expect(JSON.stringify(answer)).not.toMatch(/"(rank|ranking|score|relevance|count|total|facets?|recommended|state|published|verified)"/i);
  });

  it('gives every reader outside DCC the same published answer, and DCC too unless it asks for every case', async () => {
    const supplier = await checked(tokens.supplier);
    for (const partyType of ['manufacturer', 'csp', 'secas'] as const) expect(await checked(tokens[partyType])).toEqual(supplier);
    expect(await checked(tokens.dcc)).toEqual(supplier);
    expect(await checked(tokens.dcc, { members: MEMBERS, includeUnpublished: false })).toEqual(supplier);
  });

  it('shows DCC, when it asks, every case of each device, the unfixed and withdrawn ones marked, and says the answer includes them', async () => {
    const answer = await checked(tokens.dcc, { members: MEMBERS, includeUnpublished: true });
    expect(answer.includesUnpublished).toBe(true);
    expect(ids(answer)).toEqual([[A42, A43], [H1, H2], [G7], [], [I9], [W5]]);
    const chf = answer.members[1];
    expect(chf).toMatchObject({ affected: true, fixAvailable: false, fixingFirmwareVersions: ['0101AAAB'] });
    expect(chf.items[0]).toMatchObject({ id: H1, published: true, verified: true, fixAvailable: true });
    expect(chf.items[1]).toMatchObject({ id: H2, state: 'verified', published: false, verified: true, fixAvailable: false });
    expect(answer.members[4]).toMatchObject({ affected: true, fixAvailable: false, fixingFirmwareVersions: [] });
    expect(answer.members[4].items[0]).toMatchObject({ id: I9, published: false, fixAvailable: false });
    expect(answer.members[5].items[0]).toMatchObject({ id: W5, state: 'withdrawn', published: false });
  });

  it('matches the firmware version exactly, never by its beginning', async () => {
    const answer = await checked(tokens.supplier, { members: [{ deviceType: 'ESME', make: 'Northwind Metering', model: 'NW-E470', firmwareVersion: '3804' }] });
    expect(ids(answer)).toEqual([[]]);
    const other = await checked(tokens.supplier, { members: [{ deviceType: 'ESME', make: 'Northwind', model: 'NW-E470', firmwareVersion: '38049999' }] });
    // "Northwind" is no spelling of the make: the catalogue's names and aliases only.
    expect(ids(other)).toEqual([[]]);
    expect(ids(await checked(tokens.supplier, { members: [{ deviceType: 'ESME', make: 'NW METERING', model: 'NW-E470', firmwareVersion: '38049999' }] }))).toEqual([[A50]]);
  });

  it('refuses includeUnpublished to everyone but DCC, without a word about any item', async () => {
    for (const partyType of ['supplier', 'manufacturer', 'csp', 'secas'] as const) {
      const answer = await check(tokens[partyType], { members: MEMBERS, includeUnpublished: true });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ code: 'FORBIDDEN_UNPUBLISHED', details: { field: 'includeUnpublished' } });
    }
  });

  it('refuses a request it cannot read with 400 naming the field, and records nothing', async () => {
    const before = await db.query(`SELECT count(*)::int AS count FROM events`);
    const member = MEMBERS[0];
    const refused: Array<[unknown, string]> = [
      [{}, 'members'],
      [{ members: [] }, 'members'],
      [{ members: 'ESME' }, 'members'],
      [{ members: Array.from({ length: 13 }, () => member) }, 'members'],
      [{ members: [member, { ...member, deviceType: 'METER' }] }, 'members.1.deviceType'],
      [{ members: [{ ...member, colour: 'red' }] }, 'members.0.colour'],
      [{ members: [{ ...member, make: '   ' }] }, 'members.0.make'],
      [{ members: [{ ...member, model: 'x'.repeat(101) }] }, 'members.0.model'],
      [{ members: [{ ...member, firmwareVersion: '3804*' }] }, 'members.0.firmwareVersion'],
      [{ members: [{ ...member, firmwareVersion: undefined }] }, 'members.0.firmwareVersion'],
      [{ members: [{ ...member, make: 42 }] }, 'members.0.make'],
      [{ members: MEMBERS, includeUnpublished: 'yes' }, 'includeUnpublished'],
      [{ members: MEMBERS, limit: 5 }, 'limit'],
    ];
    for (const [body, field] of refused) {
      const answer = await check(tokens.supplier, body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      const errors = (answer.body as { errors?: Array<{ field: string }> }).errors ?? [];
      expect({ body, named: errors.some((e) => e.field === field) }).toEqual({ body, named: true });
    }
    expect(await db.query(`SELECT count(*)::int AS count FROM events`)).toEqual(before);
  });

  it('answers every party type as search does: network parties only once DCC adds them, never the DSP', async () => {
    const body = { members: MEMBERS };
    const statuses = async () => Object.fromEntries(await Promise.all(PARTY_TYPES.map(async (p) => [p, (await check(tokens[p], body)).status] as const)));
    expect(await statuses()).toEqual({ dcc: 200, supplier: 200, manufacturer: 200, csp: 200, network: 403, dsp: 403, secas: 200 });
    expect((await publication.call('PUT', '/access/network-parties/NETWORK-1', registrar)).status).toBe(200);
    expect(await statuses()).toEqual({ dcc: 200, supplier: 200, manufacturer: 200, csp: 200, network: 200, dsp: 403, secas: 200 });
    expect(await checked(tokens.network)).toEqual(await checked(tokens.supplier));
    expect((await publication.call('DELETE', '/access/network-parties/NETWORK-1', registrar)).status).toBe(200);
    expect((await check(tokens.network, body)).status).toBe(403);
  });

  it('lets nothing of an unfixed, unpublished or withdrawn item reach a party outside DCC', () => {
    expect(outsideBodies.length).toBeGreaterThan(15);
    for (const text of outsideBodies) {
      for (const hidden of [H2, I9, W5, '102', 'Recalled fix']) expect(text).not.toContain(hidden);
    }
  });
});
