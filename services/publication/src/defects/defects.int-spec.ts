import { PARTY_TYPES, PartyType } from '@smi/auth';
import { CanonicalDevice } from '@smi/contracts';
import { waitFor } from '@smi/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PUBLICATION_PROJECTIONS } from '../projections';
import { VerificationFeedConsumer } from '../verification-feed/verification-feed.consumer';
import { PublicationTestApp, publicationTokens, startPublicationTestApp } from '../test-support/publication-test-app';
import { deadLettered, publicationEvents, publicationSettled, rebuildProjections } from '../test-support/publication-waits';
import {
  caseClaimed,
  caseStream,
  caseVerified,
  fixAttached,
  itemCaseOpened,
  itemContent,
  ItemContent,
  itemPublishable,
  itemVerified,
  itemWithdrawn,
  makeAdded,
  makeChanged,
  makeStream,
  modelAdded,
  modelAliasAdded,
  publishedItem,
  publishedItemCase,
  reportCaseOpened,
  revisionReceived,
  VerificationTopic,
  verifiedItemCase,
} from '../test-support/verification-events';

/**
 * The defects database end to end inside the service: verification's events produced to the test topic with
 * the contracts' shapes, copied into publication's store, projected, searched over HTTP by every kind of party.
 */

const NW = randomUUID();
const NW_E470 = randomUUID();
const ACME = randomUUID();
const ACME_X1 = randomUUID();
const northwind: CanonicalDevice = { makeId: NW, make: 'Northwind Metering', manufacturerId: '1A2B', modelId: NW_E470, model: 'NW-E470', smiModelId: '0000E470' };
const acme: CanonicalDevice = { makeId: ACME, make: 'Acme Meters', manufacturerId: '10A3', modelId: ACME_X1, model: 'X1', smiModelId: '00050203' };

/** The cases of the scenario, one per kind of outcome. */
const A = randomUUID(); // published item, Northwind
const B = randomUUID(); // published item, Acme
const C = randomUUID(); // published SEC Party report, Northwind
const D = randomUUID(); // submitted, never verified, no fix
const E = randomUUID(); // verified, no fix: never publishable
const F = randomUUID(); // published, then withdrawn
const G = randomUUID(); // published, then a revision published as a new version

const contentA = itemContent({ identifier: '42', make: 'northwind', model: 'e470', fixInformation: 'Upgrade to 38040405 to stop the rebooting loop' });
const contentB = itemContent({ identifier: '7', make: 'ACME', model: 'X1', firmwareVersion: '38041111', deviceType: 'GSME', statusOfInformation: 'Issue', fixInformation: 'Replace the battery pack' });
const contentC = { identifier: null, make: 'Northwind', model: 'NW-E470', firmwareVersion: '38040500', deviceType: 'ESME' as const, source: 'SEC Party' as const, statusOfInformation: 'Defect' as const, dateLastUpdated: '2026-02-20', fixAvailable: true, fixInformation: 'Apply configuration patch 7' };
const contentD = itemContent({ identifier: '99', firmwareVersion: '38049999', fixAvailable: false, fixInformation: 'Workaround: secret rollback procedure' });
const contentE = itemContent({ identifier: '8', make: 'Acme Meters', model: 'X1', firmwareVersion: '38042222', fixAvailable: false, fixInformation: null });
const contentF = itemContent({ identifier: '50', firmwareVersion: '38047777', fixInformation: 'Recalled fix' });
const contentG = itemContent({ identifier: '43', fixInformation: 'Upgrade to 38040405' });
const contentG2: ItemContent = { ...contentG, fixInformation: 'Upgrade to 38040406', dateLastUpdated: '2026-03-01' };

const PUBLIC_KEYS = [
  'id',
  'version',
  'identifier',
  'make',
  'model',
  'manufacturerId',
  'smiModelId',
  'submittedMake',
  'submittedModel',
  'firmwareVersion',
  'deviceType',
  'source',
  'statusOfInformation',
  'dateLastUpdated',
  'fixAvailable',
  'fixInformation',
  'fixingFirmwareVersion',
  'description',
  'publishedAt',
  'updatedAt',
];

type Page = { items: Array<Record<string, unknown> & { id: string }>; nextCursor: string | null };

describe('the defects database: search, items, change feed and access (real PostgreSQL and Kafka)', () => {
  let publication: PublicationTestApp;
  let db: DataSource;
  let verification: VerificationTopic;
  let tokens: Record<PartyType, string>;
  let registrar: string;
  let operator: string;
  /** Every body answered to a party outside DCC: nothing of D or E may appear in any of them. */
  const outsideBodies: string[] = [];

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const answer = await publication.call(method, path, token, body);
    if (token !== tokens.dcc && token !== registrar && token !== operator) outsideBodies.push(JSON.stringify(answer.body ?? ''));
    return answer;
  };
  const search = async (token: string, query = ''): Promise<Page> => {
    const answer = await call('GET', `/defects${query}`, token);
    expect(answer.status).toBe(200);
    return answer.body as Page;
  };
  const ids = (page: Page) => page.items.map((item) => item.id);

  const settled = () => publicationSettled(publication, tokens.dcc, { verification });

  const publish = (caseId: string, content: ItemContent, canonical: CanonicalDevice) => verification.send(caseStream(caseId), publishedItemCase(caseId, content, canonical));

  beforeAll(async () => {
    publication = await startPublicationTestApp('defects');
    db = publication.app.get(DataSource);
    verification = new VerificationTopic(publication.topicPrefix);
    ({ byPartyType: tokens, registrar, operator } = await publicationTokens(publication));

    await verification.send(makeStream(NW), [makeAdded(NW, 'Northwind Metering', ['NW Metering', 'Northwind'], '1A2B'), modelAdded(NW, NW_E470, 'NW-E470', ['E470'], '0000E470')]);
    await verification.send(makeStream(ACME), [makeAdded(ACME, 'Acme Meters', ['ACME'], '10A3'), modelAdded(ACME, ACME_X1, 'X1', [], '00050203')]);
    await publish(A, contentA, northwind);
    await publish(B, contentB, acme);
    const reportItem = publishedItem(C, northwind, contentC, 'report');
    await verification.send(caseStream(C), [
      reportCaseOpened(C, { reportId: 'R-000001', make: 'Northwind', model: 'NW-E470', firmwareVersion: '38040500', deviceType: 'ESME', statusOfInformation: 'Defect', description: 'Display freezes after a tariff change' }),
      fixAttached(C, 'Apply configuration patch 7'),
      caseClaimed(C),
      caseVerified(C, northwind),
      itemVerified(C, 1, reportItem),
      itemPublishable(C, 2, reportItem),
    ]);
    await verification.send(caseStream(D), [itemCaseOpened(D, contentD)]);
    await verification.send(caseStream(E), verifiedItemCase(E, contentE, acme));
    await publish(F, contentF, northwind);
    await verification.send(caseStream(F), [itemWithdrawn(F, 3, publishedItem(F, northwind, contentF), 'The fix was recalled')]);
    await publish(G, contentG, northwind);
    const revised = publishedItem(G, northwind, contentG2);
    await verification.send(caseStream(G), [
      revisionReceived(G, contentG2, [{ field: 'fixInformation', from: 'Upgrade to 38040405', to: 'Upgrade to 38040406' }], 'verified'),
      caseClaimed(G),
      caseVerified(G, northwind),
      itemVerified(G, 3, revised),
      itemPublishable(G, 4, revised),
    ]);
    await settled();
  }, 120_000);

  afterAll(async () => {
    await verification?.close();
    await publication?.stop();
  });

  it('shows readers outside DCC the published items only, in the neutral order, with no rank, score, count or facet', async () => {
    for (const partyType of ['supplier', 'manufacturer', 'csp', 'secas'] as const) {
      const page = await search(tokens[partyType]);
      // Make, model, firmware version, Identifier: Acme before Northwind; 42 before 43 on one firmware; the report (no Identifier) after them.
      expect(ids(page)).toEqual([B, A, G, C]);
      expect(Object.keys(page)).toEqual(['items', 'nextCursor']);
      for (const item of page.items) expect(Object.keys(item)).toEqual(PUBLIC_KEYS);
      expect(JSON.stringify(page)).not.toMatch(/"(rank|ranking|score|relevance|count|total|facets?|recommended)"/i);
    }
    const [b, a, g, c] = (await search(tokens.supplier)).items;
    expect(b).toMatchObject({ make: 'Acme Meters', model: 'X1', submittedMake: 'ACME', manufacturerId: '10A3', smiModelId: '00050203', firmwareVersion: '38041111', version: 2 });
    expect(a).toMatchObject({ make: 'Northwind Metering', submittedMake: 'northwind', identifier: '42', fixAvailable: true, fixInformation: 'Upgrade to 38040405 to stop the rebooting loop' });
    expect(g).toMatchObject({ identifier: '43', version: 4, fixInformation: 'Upgrade to 38040406', dateLastUpdated: '2026-03-01' });
    expect(c).toMatchObject({ identifier: null, source: 'SEC Party', description: 'Display freezes after a tariff change' });
  });

  it('shows DCC every case in every state, unverified, unfixed and withdrawn ones marked as such', async () => {
    const page = await search(tokens.dcc);
    expect(ids(page)).toEqual([B, E, A, G, C, F, D]);
    const byId = new Map(page.items.map((item) => [item.id, item]));
    expect(byId.get(D)).toMatchObject({ state: 'queued', verified: false, published: false, fixAvailable: false, make: null, submittedMake: 'Northwind Metering' });
    expect(byId.get(E)).toMatchObject({ state: 'verified', verified: true, published: false, fixAvailable: false, make: 'Acme Meters', version: 1 });
    expect(byId.get(F)).toMatchObject({ state: 'withdrawn', published: false, publishedVersion: null, version: 3 });
    expect(byId.get(G)).toMatchObject({ state: 'verified', verified: true, published: true, publishedVersion: 4, fixInformation: 'Upgrade to 38040406' });
    expect((await search(tokens.dcc, '?fixAvailable=false')).items.map((i) => i.id)).toEqual([E, D]);
  });

  it('finds a make and a model by canonical name or any alias, ignoring case and spacing', async () => {
    for (const make of ['Northwind Metering', 'nw  METERING', 'northwind', 'NW Metering']) {
      expect(ids(await search(tokens.supplier, `?make=${encodeURIComponent(make)}`))).toEqual([A, G, C]);
    }
    expect(ids(await search(tokens.supplier, '?make=acme'))).toEqual([B]);
    expect(ids(await search(tokens.supplier, '?model=e470'))).toEqual([A, G, C]);
    expect(ids(await search(tokens.supplier, '?make=ACME&model=x1'))).toEqual([B]);
    expect(ids(await search(tokens.supplier, '?make=Nobody'))).toEqual([]);
    expect(ids(await search(tokens.supplier, '?make=Northwind%20Meter'))).toEqual([]); // a name, not a part of one
    // An alias added later finds the items already published under the model.
    await verification.send(makeStream(NW), [modelAliasAdded(NW, NW_E470, 'E-470 Smart')]);
    await settled();
    expect(ids(await search(tokens.supplier, '?model=e-470%20smart'))).toEqual([A, G, C]);
    // A renamed make keeps its previous name as an alias: both find it.
    await verification.send(makeStream(ACME), [makeChanged(ACME, 'Acme Metering Group', 'Acme Meters', '10A3')]);
    await settled();
    expect(ids(await search(tokens.supplier, '?make=acme%20metering%20group'))).toEqual([B]);
    expect(ids(await search(tokens.supplier, '?make=Acme%20Meters'))).toEqual([B]);
    // DCC finds an unverified item by its submitted spelling's catalogue entry.
    expect(ids(await search(tokens.dcc, '?make=NW%20Metering&firmwareVersion=38049999'))).toEqual([D]);
  });

  it('finds the firmware version on its own, exactly or by its beginning, ignoring case', async () => {
    expect(ids(await search(tokens.supplier, '?firmwareVersion=38040404'))).toEqual([A, G]);
    expect(ids(await search(tokens.supplier, '?firmwareVersion=3804*'))).toEqual([B, A, G, C]);
    expect(ids(await search(tokens.supplier, '?firmwareVersion=380405*'))).toEqual([C]);
    expect(ids(await search(tokens.supplier, '?firmwareVersion=3804'))).toEqual([]);
    // % and _ are characters of a version, not wildcards.
    expect(ids(await search(tokens.supplier, '?firmwareVersion=3804_*'))).toEqual([]);
    expect(ids(await search(tokens.supplier, '?firmwareVersion=3804%25*'))).toEqual([]);
    // Outside DCC the unverified and unfixed items are not there to be found.
    expect(ids(await search(tokens.supplier, '?firmwareVersion=38049999'))).toEqual([]);
    expect(ids(await search(tokens.supplier, '?firmwareVersion=38042222'))).toEqual([]);
    expect(ids(await search(tokens.dcc, '?firmwareVersion=3804999*'))).toEqual([D]);
  });

  it('filters by device type, status, source, fix and date, each alone or with the others', async () => {
    expect(ids(await search(tokens.supplier, '?deviceType=GSME'))).toEqual([B]);
    expect(ids(await search(tokens.supplier, '?statusOfInformation=Issue'))).toEqual([B]);
    expect(ids(await search(tokens.supplier, '?source=SEC%20Party'))).toEqual([C]);
    expect(ids(await search(tokens.supplier, '?fixAvailable=true&deviceType=ESME&statusOfInformation=Defect'))).toEqual([A, G, C]);
    expect(ids(await search(tokens.supplier, '?fixAvailable=false'))).toEqual([]);
    expect(ids(await search(tokens.supplier, '?updatedSince=2999-01-01T00:00:00Z'))).toEqual([]);
    expect(ids(await search(tokens.supplier, '?updatedSince=2000-01-01T00:00:00Z'))).toEqual([B, A, G, C]);
  });

  it('searches the description and the fix information with PostgreSQL full-text search, without ranking', async () => {
    expect(ids(await search(tokens.supplier, '?q=reboot'))).toEqual([A]); // "rebooting", stemmed
    expect(ids(await search(tokens.supplier, '?q=freezes'))).toEqual([C]); // a report's description
    expect(ids(await search(tokens.supplier, `?q=${encodeURIComponent('"tariff change"')}`))).toEqual([C]);
    expect(ids(await search(tokens.supplier, `?q=${encodeURIComponent('upgrade -rebooting')}`))).toEqual([G]);
    expect(ids(await search(tokens.supplier, '?q=upgrade&make=northwind'))).toEqual([A, G]);
    expect(ids(await search(tokens.supplier, '?q=secret%20rollback'))).toEqual([]);
    expect(ids(await search(tokens.dcc, '?q=secret%20rollback'))).toEqual([D]);
  });

  it('pages by keyset cursor in the same order as one page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await search(tokens.supplier, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([B, A, G, C]);
    const dcc: string[] = [];
    let next: string | null = null;
    do {
      const page: Page = await search(tokens.dcc, `?limit=2${next ? `&cursor=${next}` : ''}`);
      dcc.push(...ids(page));
      next = page.nextCursor;
    } while (next !== null);
    expect(dcc).toEqual([B, E, A, G, C, F, D]);
  });

  it('refuses a parameter it does not know or cannot read with 400 naming it, and records nothing', async () => {
    const before = await db.query(`SELECT count(*)::int AS count FROM events`);
    const refused: Array<[string, string]> = [
      ['/defects?colour=red', 'colour'],
      ['/defects?firmwareVersion=38*04', 'firmwareVersion'],
      ['/defects?firmwareVersion=*', 'firmwareVersion'],
      ['/defects?deviceType=METER', 'deviceType'],
      ['/defects?statusOfInformation=Bug', 'statusOfInformation'],
      ['/defects?source=Anyone', 'source'],
      ['/defects?fixAvailable=yes', 'fixAvailable'],
      ['/defects?updatedSince=2026-02-30T00:00:00Z', 'updatedSince'],
      ['/defects?make=%20%20', 'make'],
      ['/defects?q=' + 'x'.repeat(201), 'q'],
      ['/defects?limit=0', 'limit'],
      ['/defects?limit=1e3', 'limit'],
      ['/defects?cursor=not-a-cursor', 'cursor'],
      [`/defects?cursor=${Buffer.from(JSON.stringify(['a', 'b', 'c', '1', 'x\u0000'])).toString('base64url')}`, 'cursor'],
      ['/defects/not%20an%20id', 'id'],
      ['/changes?after=nonsense', 'after'],
      ['/changes?since=1', 'since'],
    ];
    for (const [path, field] of refused) {
      for (const token of [tokens.supplier, tokens.dcc]) {
        const answer = await call('GET', path, token);
        expect({ path, status: answer.status }).toEqual({ path, status: 400 });
        const body = answer.body as { message: string; errors?: Array<{ field: string }>; details?: { field: string } };
        const named = body.errors?.some((e) => e.field === field) || body.details?.field === field;
        expect({ path, named }).toEqual({ path, named: true });
      }
    }
    expect(await db.query(`SELECT count(*)::int AS count FROM events`)).toEqual(before);
  });

  it('shows an item with its published versions and what each changed; outside DCC an unpublished one is not found, as one that never was', async () => {
    const g = (await call('GET', `/defects/${G}`, tokens.supplier)).body as { version: number; history: unknown[] };
    expect(g.version).toBe(4);
    expect(g.history).toEqual([
      { version: 2, change: 'added', at: expect.any(String), changes: [] },
      {
        version: 4,
        change: 'changed',
        at: expect.any(String),
        changes: [
          { field: 'dateLastUpdated', from: '2026-02-27', to: '2026-03-01' },
          { field: 'fixInformation', from: 'Upgrade to 38040405', to: 'Upgrade to 38040406' },
        ],
      },
    ]);
    const never = randomUUID();
    for (const hidden of [D, E, F]) {
      for (const token of [tokens.supplier, tokens.manufacturer, tokens.csp, tokens.secas]) {
        const answer = await call('GET', `/defects/${hidden}`, token);
        const missing = await call('GET', `/defects/${never}`, token);
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual(missing.body);
      }
    }
    const f = (await call('GET', `/defects/${F}`, tokens.dcc)).body as { state: string; publishedItem: unknown; history: Array<{ change: string; reason: string | null }> };
    expect(f.state).toBe('withdrawn');
    expect(f.publishedItem).toBeNull();
    expect(f.history.map((h) => [h.change, h.reason])).toEqual([
      ['added', null],
      ['withdrawn', 'The fix was recalled'],
    ]);
    const d = (await call('GET', `/defects/${D}`, tokens.dcc)).body as { verified: boolean; fixAvailable: boolean; history: unknown[] };
    expect(d).toMatchObject({ verified: false, fixAvailable: false, history: [] });
  });

  it('feeds the published view’s changes in order, from any cursor, and nothing unpublished', async () => {
    const all: Array<{ id: string; version: number; change: string; item: Record<string, unknown> }> = [];
    let after: string | null = null;
    for (;;) {
      const answer = await call('GET', `/changes?limit=3${after ? `&after=${after}` : ''}`, tokens.supplier);
      const page = answer.body as { changes: typeof all; nextCursor: string | null };
      if (page.changes.length === 0) {
        expect(page.nextCursor).toBe(after); // polling again from the same place
        break;
      }
      all.push(...page.changes);
      after = page.nextCursor;
    }
    // Items arrive over several partitions, so only each item's own changes have an order to keep.
    const ofItem = (id: string) => all.filter((c) => c.id === id).map((c) => [c.version, c.change]);
    expect(all).toHaveLength(7);
    expect([A, B, C].map(ofItem)).toEqual([[[2, 'added']], [[2, 'added']], [[2, 'added']]]);
    expect(ofItem(F)).toEqual([
      [2, 'added'],
      [3, 'withdrawn'],
    ]);
    expect(ofItem(G)).toEqual([
      [2, 'added'],
      [4, 'changed'],
    ]);
    expect(all.find((c) => c.change === 'withdrawn')!.item).toMatchObject({ firmwareVersion: '38047777' });
    expect(Object.keys(all[0].item).sort()).toEqual(PUBLIC_KEYS.filter((k) => !['id', 'version', 'publishedAt', 'updatedAt'].includes(k)).sort());
  });

  it('never goes back to an older version: a stale ItemPublishable is passed over', async () => {
    await verification.send(caseStream(G), [itemPublishable(G, 3, publishedItem(G, northwind, contentG))]);
    await settled();
    const g = (await call('GET', `/defects/${G}`, tokens.supplier)).body as { version: number; fixInformation: string; history: Array<{ version: number }> };
    expect(g).toMatchObject({ version: 4, fixInformation: 'Upgrade to 38040406' });
    expect(g.history.map((h) => h.version)).toEqual([2, 4]);
  });

  it('keeps each verification event once, with its id, and takes a redelivered one as the same', async () => {
    const consumer = publication.app.get(VerificationFeedConsumer);
    const dropped = consumer.stats()?.duplicatesDropped ?? 0;
    const repeated = verification.sent.filter((m) => m.key === caseStream(A));
    await verification.resend(repeated);
    await waitFor(() => (consumer.stats()?.duplicatesDropped ?? 0) >= dropped + repeated.length, 30_000, 'the repeats to be dropped');
    const stored: Array<{ event_id: string; event_type: string; metadata: { sourceService: string; source: { streamId: string } } }> = await db.query(
      `SELECT event_id::text AS event_id, event_type, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [`verification-case-${A}`],
    );
    expect(stored.map((e) => e.event_id)).toEqual(repeated.map((m) => m.headers.ce_id));
    expect(stored.map((e) => e.event_type)).toEqual(['CaseOpened', 'CaseClaimed', 'CaseVerified', 'ItemVerified', 'ItemPublishable']);
    expect(stored[0].metadata).toMatchObject({ sourceService: 'verification', source: { streamId: `case-${A}` } });
  });

  it('answers every endpoint to every party type as R7 says; network parties only once DCC adds them', async () => {
    const endpoints: Array<{ name: string; method: string; path: string; body?: unknown }> = [
      { name: 'search', method: 'GET', path: '/defects' },
      { name: 'item', method: 'GET', path: `/defects/${A}` },
      { name: 'changes', method: 'GET', path: '/changes' },
      { name: 'list access', method: 'GET', path: '/access/network-parties' },
      { name: 'grant', method: 'PUT', path: '/access/network-parties/NET-TABLE' },
      { name: 'revoke', method: 'DELETE', path: '/access/network-parties/NET-TABLE' },
      { name: 'switch', method: 'PUT', path: '/access/network-parties', body: { allNetworkParties: false } },
    ];
    const reader = { dcc: 200, supplier: 200, manufacturer: 200, csp: 200, network: 403, dsp: 403, secas: 200 };
    const dccOnly = { dcc: 200, supplier: 403, manufacturer: 403, csp: 403, network: 403, dsp: 403, secas: 403 };
    // A DCC user changes access only with the role registry.admin: its plain token is refused those three.
    const registrarOnly = { ...dccOnly, dcc: 403 };
    const expected: Record<string, Record<PartyType, number>> = {
      search: reader,
      item: reader,
      changes: reader,
      'list access': dccOnly,
      grant: registrarOnly,
      revoke: registrarOnly,
      switch: registrarOnly,
    };
    const actual: Record<string, Record<string, number>> = {};
    for (const endpoint of endpoints) {
      actual[endpoint.name] = {};
      for (const partyType of PARTY_TYPES) actual[endpoint.name][partyType] = (await call(endpoint.method, endpoint.path, tokens[partyType], endpoint.body)).status;
    }
    expect(actual).toEqual(expected);
    for (const endpoint of endpoints.slice(4)) expect((await call(endpoint.method, endpoint.path, registrar, endpoint.body)).status).toBe(200);

    // A network party: nothing, then the published items once DCC adds it, then nothing again.
    const net = await publication.token({ party: 'NET-ED-1', partyType: 'network' });
    const other = await publication.token({ party: 'NET-GT-2', partyType: 'network' });
    const reads = async (token: string) => [
      (await call('GET', '/defects', token)).status,
      (await call('GET', `/defects/${A}`, token)).status,
      (await call('GET', '/changes', token)).status,
    ];
    expect(await reads(net)).toEqual([403, 403, 403]);
    expect((await call('PUT', '/access/network-parties/NET-ED-1', registrar)).body).toEqual({ partyId: 'NET-ED-1', granted: true, allNetworkParties: false, recorded: ['NetworkAccessGranted'] });
    expect((await call('PUT', '/access/network-parties/NET-ED-1', registrar)).body).toMatchObject({ granted: true, recorded: [] });
    expect(await reads(net)).toEqual([200, 200, 200]);
    expect(ids(await search(net))).toEqual([B, A, G, C]);
    expect(await reads(other)).toEqual([403, 403, 403]);
    expect((await call('PUT', '/access/network-parties', registrar, { allNetworkParties: true })).body).toMatchObject({ allNetworkParties: true, recorded: ['NetworkAccessGranted'] });
    expect(await reads(other)).toEqual([200, 200, 200]);
    expect((await call('GET', '/access/network-parties', tokens.dcc)).body).toEqual({ allNetworkParties: true, parties: [{ partyId: 'NET-ED-1', grantedAt: expect.any(String) }] });
    expect((await call('PUT', '/access/network-parties', registrar, { allNetworkParties: false })).body).toMatchObject({ allNetworkParties: false, recorded: ['NetworkAccessRevoked'] });
    expect(await reads(other)).toEqual([403, 403, 403]);
    expect(await reads(net)).toEqual([200, 200, 200]);
    expect((await call('DELETE', '/access/network-parties/NET-ED-1', registrar)).body).toEqual({ partyId: 'NET-ED-1', granted: false, allNetworkParties: false, recorded: ['NetworkAccessRevoked'] });
    expect(await reads(net)).toEqual([403, 403, 403]);
    expect((await call('PUT', '/access/network-parties', registrar, { allNetworkParties: 'yes' })).status).toBe(400);
    expect((await call('PUT', '/access/network-parties/NET-ED-1', registrar, { partyId: 'x' })).status).toBe(400);
    expect((await call('PUT', '/access/network-parties/bad%20id', registrar)).status).toBe(400);

    const stream: Array<{ event_type: string; data: object; metadata: { actor: { partyId: string } } }> = await db.query(
      `SELECT event_type, data, metadata FROM events WHERE stream_id = 'network-access' ORDER BY stream_version`,
    );
    expect(stream.map((e) => [e.event_type, e.data])).toEqual([
      ['NetworkAccessGranted', { scope: 'party', partyId: 'NET-TABLE', grantedAt: expect.any(String) }],
      ['NetworkAccessRevoked', { scope: 'party', partyId: 'NET-TABLE', revokedAt: expect.any(String) }],
      ['NetworkAccessGranted', { scope: 'party', partyId: 'NET-ED-1', grantedAt: expect.any(String) }],
      ['NetworkAccessGranted', { scope: 'all-network-parties', partyId: null, grantedAt: expect.any(String) }],
      ['NetworkAccessRevoked', { scope: 'all-network-parties', partyId: null, revokedAt: expect.any(String) }],
      ['NetworkAccessRevoked', { scope: 'party', partyId: 'NET-ED-1', revokedAt: expect.any(String) }],
    ]);
    expect(stream.every((e) => e.metadata.actor.partyId === 'DCC')).toBe(true);
  });

  it('publishes its own access events on publication.events, and never verification’s copies', async () => {
    // Read once the relay has passed every event in the store, verification's copies included.
    const received = await publicationEvents(publication, tokens.dcc, 6);
    expect(received.every((m) => m.key === 'network-access' && m.type.startsWith('NetworkAccess'))).toBe(true);
    expect(received).toHaveLength(6);
  });

  it('rebuilds every read model from the store beside the live one, to the same rows', async () => {
    const snapshot = async () => ({
      dcc: await db.query(`SELECT * FROM dcc_items ORDER BY case_id`),
      published: await db.query(`SELECT * FROM published_items ORDER BY case_id`),
      versions: await db.query(`SELECT * FROM published_item_versions ORDER BY case_id, version`),
      spellings: await db.query(`SELECT * FROM catalogue_spellings ORDER BY kind, entity_id, spelling_key`),
    });
    const before = await snapshot();
    expect(before.dcc).toHaveLength(7);
    await rebuildProjections(
      publication,
      PUBLICATION_PROJECTIONS.map((p) => p.name),
      { dcc: tokens.dcc, operator },
    );
    expect(await snapshot()).toEqual(before);
  });

  it('sends an event that breaks verification’s contract to the dead-letter topic, copies nothing of it, and goes on', async () => {
    const broken = randomUUID();
    const [template] = verification.sent;
    await verification.resend([
      { key: caseStream(broken), value: JSON.stringify({ caseId: broken, version: 'two' }), headers: { ...template.headers, ce_id: randomUUID(), ce_type: 'ItemPublishable', ce_subject: caseStream(broken) } },
    ]);
    await deadLettered(publication, 'publication.verification-feed');
    const after = randomUUID();
    await publish(after, itemContent({ identifier: '4242', firmwareVersion: '38045555' }), northwind);
    await settled();
    expect(await db.query(`SELECT 1 FROM events WHERE stream_id = $1`, [`verification-case-${broken}`])).toEqual([]);
    expect(ids(await search(tokens.supplier, '?firmwareVersion=38045555'))).toEqual([after]);
  });

  it('lets nothing of an unverified or unfixed item reach a party outside DCC by any route', () => {
    expect(outsideBodies.length).toBeGreaterThan(50);
    for (const body of outsideBodies) {
      for (const secret of [D, E, '38049999', '38042222', 'secret rollback']) expect(body).not.toContain(secret);
    }
  });
});
