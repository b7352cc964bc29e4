import { CanonicalDevice } from '@smi/contracts';
import { PostgresEventStore } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { WebhookReceiver } from '@smi/testing';
import { verifyWebhookSignature } from '@smi/webhooks';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { appendCopies } from '../event-copies';
import { AdjustableClock } from '../test-support/adjustable-clock';
import { PublicationTestApp, startPublicationTestApp } from '../test-support/publication-test-app';
import { itemContent, publishedItemCase, VerificationEvent, verifiedItemCase } from '../test-support/verification-events';
import { caseCopyStreamId } from '../verification-feed/verification-streams';

const northwind: CanonicalDevice = { makeId: randomUUID(), make: 'Northwind Metering', manufacturerId: '1A2B', modelId: randomUUID(), model: 'NW-E470', smiModelId: '0000E470' };

/**
 * Publication's webhooks on the real service: the change feed told to its subscribers exactly as GET /changes shows it
 * (published items only; a network party only while DCC has it added) and a release cut told to SECAS.
 */
describe('publication webhooks (real PostgreSQL, real HTTP receiver)', () => {
  const clock = new AdjustableClock('2026-10-20T09:00:00.000Z');
  let publication: PublicationTestApp;
  let db: DataSource;
  let store: PostgresEventStore;
  let receiver: WebhookReceiver;
  let registrar: string;
  let supplier: string;
  let secas: string;
  let added: string;
  let notAdded: string;
  let revoked: string;

  beforeAll(async () => {
    publication = await startPublicationTestApp('pub_hooks', {
      clock,
      env: { WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true', WEBHOOK_DISPATCH_INTERVAL_MS: '50', PUBLICATION_RELEASE_DUE_CHECK_INTERVAL_MS: '86400000', PUBLICATION_RELEASES_FROM: '2026-Q3' },
    });
    db = publication.app.get(DataSource);
    store = publication.app.get(EVENT_STORE);
    receiver = await WebhookReceiver.start();
    registrar = await publication.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    supplier = await publication.token({ party: 'SUPPLIER-1', partyType: 'supplier' });
    secas = await publication.token({ party: 'SECAS', partyType: 'secas' });
    added = await publication.token({ party: 'NET-ADDED', partyType: 'network' });
    notAdded = await publication.token({ party: 'NET-OTHER', partyType: 'network' });
    revoked = await publication.token({ party: 'NET-REVOKED', partyType: 'network' });
  }, 120_000);

  afterAll(async () => {
    await publication?.stop();
    await receiver?.stop();
  });

  const subscribe = (token: string, path: string, events: string[]) => publication.call('POST', '/webhooks', token, { url: receiver.url(path), events });
  const copy = (caseId: string, events: VerificationEvent[]) =>
    db.transaction((manager) => appendCopies(store, manager, 'verification', events.map((event) => ({ streamId: caseCopyStreamId(caseId), event: { ...event, eventId: randomUUID() } }))));
  const queuedFor = async (subscriptionId: string): Promise<string[]> =>
    (await db.query(`SELECT body FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY created_at, source_key`, [subscriptionId])).map((r: { body: string }) => JSON.parse(r.body).subject);

  it('sends each change of the feed exactly as GET /changes shows it, never an unpublished item, to the parties that may read it', async () => {
    // A network party DCC has not added is refused, as GET /changes refuses it.
    const refused = await subscribe(notAdded, '/net-other', ['change-feed']);
    expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN_WEBHOOK_EVENTS', details: { field: 'events', reason: 'party NET-OTHER may not receive change-feed now' } } });
    expect((await publication.call('GET', '/changes', notAdded)).status).toBe(403);

    for (const party of ['NET-ADDED', 'NET-REVOKED']) expect((await publication.call('PUT', `/access/network-parties/${party}`, registrar, {})).status).toBe(200);
    const bySupplier = await subscribe(supplier, '/supplier', ['change-feed']);
    const byNetwork = await subscribe(added, '/net-added', ['change-feed']);
    const byRevoked = await subscribe(revoked, '/net-revoked', ['change-feed']);
    expect([bySupplier.status, byNetwork.status, byRevoked.status]).toEqual([201, 201, 201]);
    expect((await publication.call('DELETE', '/access/network-parties/NET-REVOKED', registrar)).status).toBe(200);

    // Verified but never publishable (no fix): DCC's alone. Then a published item.
    const unfixed = randomUUID();
    const published = randomUUID();
    await copy(unfixed, verifiedItemCase(unfixed, itemContent({ identifier: 'hook-unfixed', firmwareVersion: '38049999', fixAvailable: false, fixInformation: null }), northwind));
    await copy(published, publishedItemCase(published, itemContent({ identifier: 'hook-published' }), northwind));

    const [toSupplier] = await receiver.waitFor('/supplier', 1);
    const [toNetwork] = await receiver.waitFor('/net-added', 1);
    const { secret } = bySupplier.body as { secret: string };
    expect(verifyWebhookSignature({ secret, body: toSupplier.body, timestamp: toSupplier.headers['x-smi-timestamp'] as string, signature: toSupplier.headers['x-smi-signature'] as string })).toBe(true);

    const polled = (await publication.call('GET', '/changes', supplier)).body as { changes: object[] };
    expect(polled.changes).toHaveLength(1);
    const envelope = JSON.parse(toSupplier.body);
    expect(envelope).toMatchObject({ type: 'change-feed', source: 'urn:smi:service:publication', subject: published, id: `change-${published}-2` });
    expect(envelope.data).toEqual(polled.changes[0]);
    expect(JSON.parse(toNetwork.body).data).toEqual(polled.changes[0]);
    for (const body of [toSupplier.body, toNetwork.body]) {
      expect(body).not.toContain(unfixed);
      expect(body).not.toContain('38049999');
    }
    // Both feed rows were read in one go by the time anything was sent: the revoked party has nothing queued.
    expect(await queuedFor((byRevoked.body as { id: string }).id)).toEqual([]);
    expect(await queuedFor((bySupplier.body as { id: string }).id)).toEqual([published]);
  });

  it('tells SECAS of a release cut, with the public edition only, and refuses it to others', async () => {
    const refused = await subscribe(supplier, '/supplier-release', ['release.cut']);
    expect(refused).toMatchObject({ status: 403, body: { details: { field: 'events', reason: 'a supplier may not receive release.cut' } } });
    const subscribed = await subscribe(secas, '/secas', ['release.cut']);
    expect(subscribed.status).toBe(201);

    const cut = await publication.call('POST', '/releases', registrar, { label: '2026-Q3' });
    expect(cut.status).toBe(201);
    const [arrival] = await receiver.waitFor('/secas', 1);
    const envelope = JSON.parse(arrival.body);
    expect(envelope).toMatchObject({
      type: 'release.cut',
      subject: 'release-1',
      data: { number: 1, label: '2026-Q3', previousRelease: null, link: '/releases/1', edition: { items: 1 } },
    });
    expect(Object.keys(envelope.data).sort()).toEqual(['cutAt', 'edition', 'label', 'link', 'number', 'period', 'previousRelease']);
    expect(arrival.body).not.toContain('unverified');
  });
});
