import { SUBMISSION_COLUMNS } from '@smi/contracts';
import { waitFor, WebhookReceiver } from '@smi/testing';
import { verifyWebhookSignature } from '@smi/webhooks';
import { call, TestSystem } from './support/system';

const csv = (...rows: string[][]) => [SUBMISSION_COLUMNS.join(','), ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';

interface Arrival {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Webhooks through the compiled services over the real broker and database, delivered to a receiver on 127.0.0.1:
 * a manufacturer hears of the case that waits on it (another manufacturer does not), the change feed reaches a
 * supplier and an added network party with exactly what GET /changes shows (never the unfixed row), and SECAS hears
 * of a release cut. Every wait is on the receiver's arrivals.
 */
describe('webhooks: intake, verification and publication tell their subscribers', () => {
  const system = new TestSystem();
  let receiver: WebhookReceiver;
  let intake: string;
  let verification: string;
  let publication: string;
  const t: Record<string, string> = {};
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    await system.start(['intake', 'verification', 'publication'], { WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true', WEBHOOK_DISPATCH_INTERVAL_MS: '100' });
    intake = system.url('intake');
    verification = system.url('verification');
    publication = system.url('publication');
    t.admin = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    t.verifier = await system.token({ sub: 'dcc-verifier-1', party: 'DCC', partyType: 'dcc', roles: ['verifier'] });
    t.northwind = await system.token({ party: 'MFR-NORTHWIND', partyType: 'manufacturer' });
    t.southwind = await system.token({ party: 'MFR-SOUTHWIND', partyType: 'manufacturer' });
    t.supplier = await system.token({ party: 'SUP-A', partyType: 'supplier' });
    t.secas = await system.token({ party: 'SECAS', partyType: 'secas' });
    t.network = await system.token({ party: 'NET-1', partyType: 'network' });
    for (const party of [
      { partyId: 'MFR-NORTHWIND', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind Metering'] },
      { partyId: 'MFR-SOUTHWIND', name: 'Southwind Meters plc', partyType: 'manufacturer', makes: ['Southwind'] },
      { partyId: 'SUP-A', name: 'Supplier A', partyType: 'supplier' },
    ]) {
      expect((await call('POST', `${intake}/parties`, t.admin, party)).status).toBe(201);
    }
    const make = await call('POST', `${verification}/catalogue/makes`, t.verifier, { name: 'Northwind Metering', manufacturerId: '1A2B' });
    const makeId = (make.body as { makeId: string }).makeId;
    expect((await call('POST', `${verification}/catalogue/makes/${makeId}/models`, t.verifier, { name: 'NW-E470', smiModelId: '0000E470' })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await system.stop();
    await receiver?.stop();
  });

  const subscribe = async (service: string, token: string, name: string, events: string[]) => {
    const created = await call('POST', `${service}/webhooks`, token, { url: receiver.url(`/${name}`), events });
    expect(created.status).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };
    secrets[name] = secret;
    return id;
  };
  const signed = (name: string, arrival: Arrival) =>
    verifyWebhookSignature({ secret: secrets[name], body: arrival.body, timestamp: arrival.headers['x-smi-timestamp'] as string, signature: arrival.headers['x-smi-signature'] as string });
  const cases = async (query: string) => ((await call('GET', `${verification}/cases?${query}`, t.verifier)).body as { cases: Array<{ caseId: string }> }).cases;
  const oneCase = (query: string) => waitFor(async () => (await cases(query))[0], 60_000, `a case for ${query}`);
  const checks = { data: true, fixReference: true, presentation: true };
  const claimAndVerify = async (caseId: string) => {
    expect((await call('POST', `${verification}/cases/${caseId}/claim`, t.verifier)).status).toBe(200);
    return call('POST', `${verification}/cases/${caseId}/verification`, t.verifier, { checks });
  };

  it('tells the manufacturer a case waits on it, and no other manufacturer', async () => {
    const northwindHook = await subscribe(verification, t.northwind, 'northwind', ['case.waiting']);
    const southwindHook = await subscribe(verification, t.southwind, 'southwind', ['case.waiting']);

    const report = await call('POST', `${intake}/reports`, t.supplier, {
      make: 'Northwind Metering',
      model: 'NW-E470',
      firmwareVersion: '0002012F',
      deviceType: 'ESME',
      statusOfInformation: 'Defect',
      description: 'Reboots when the tariff switches at midnight',
      dateObserved: '2026-03-01',
    });
    expect(report.status).toBe(201);
    const reportCase = await oneCase('kind=report&provider=SUP-A');
    expect((await claimAndVerify(reportCase.caseId)).body).toMatchObject({ state: 'awaiting-agreement' });

    const [arrival] = await receiver.waitFor('/northwind', 1, 60_000);
    expect(signed('northwind', arrival)).toBe(true);
    expect(JSON.parse(arrival.body)).toMatchObject({
      type: 'case.waiting',
      source: 'urn:smi:service:verification',
      data: { caseId: reportCase.caseId, caseKind: 'report', waitingFor: 'agreement', link: `/cases/${reportCase.caseId}` },
    });
    // Queued by the same reaction batch as Northwind's: Southwind has nothing, and may not read Northwind's log.
    const southwindLog = await call('GET', `${verification}/webhooks/${southwindHook}/deliveries`, t.southwind);
    expect(southwindLog).toMatchObject({ status: 200, body: { deliveries: [] } });
    expect(receiver.received('/southwind')).toEqual([]);
    expect((await call('GET', `${verification}/webhooks/${northwindHook}/deliveries`, t.southwind)).status).toBe(404);
    const northwindLog = await waitFor(async () => {
      const log = (await call('GET', `${verification}/webhooks/${northwindHook}/deliveries`, t.northwind)).body as { deliveries: Array<{ status: string; attempts: number }> };
      return log.deliveries[0]?.status === 'delivered' ? log : undefined;
    }, 30_000, "Northwind's delivery logged");
    expect(northwindLog.deliveries).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
  });

  it('sends the change feed as GET /changes shows it, never the unfixed row, and to a network party only once added', async () => {
    const refused = await call('POST', `${publication}/webhooks`, t.network, { url: receiver.url('/network'), events: ['change-feed'] });
    expect(refused).toMatchObject({ status: 403, body: { details: { field: 'events' } } });
    expect((await call('PUT', `${publication}/access/network-parties/NET-1`, t.admin)).status).toBe(200);
    await subscribe(publication, t.network, 'network', ['change-feed']);
    await subscribe(publication, t.supplier, 'supplier', ['change-feed']);

    const form = new FormData();
    form.append(
      'file',
      new Blob([
        csv(
          ['2001', 'Northwind Metering', 'NW-E470', '0003012F', 'ESME', 'Device Manufacturer', 'Defect', '2026-03-14', 'No', ''],
          ['2002', 'Northwind Metering', 'NW-E470', '0003012A', 'ESME', 'Device Manufacturer', 'Fix', '2026-03-14', 'Yes', 'Upgrade to 00030130'],
        ),
      ]),
      'northwind.csv',
    );
    expect((await fetch(`${intake}/submissions`, { method: 'POST', headers: { authorization: `Bearer ${t.northwind}` }, body: form })).status).toBe(201);
    const items = await waitFor(async () => {
      const found = await cases('kind=item&provider=MFR-NORTHWIND&state=queued');
      return found.length === 2 ? found : undefined;
    }, 60_000, 'both rows as cases');
    // The unfixed row first: verified but never publishable, it must not reach the feed that follows.
    const byIdentifier = async (caseId: string) => ((await call('GET', `${verification}/cases/${caseId}`, t.verifier)).body as { subject: { identifier: string } }).subject.identifier;
    const ordered = [];
    for (const item of items) ordered.push({ caseId: item.caseId, identifier: await byIdentifier(item.caseId) });
    const unfixed = ordered.find((c) => c.identifier === '2001')!;
    const fixed = ordered.find((c) => c.identifier === '2002')!;
    expect((await claimAndVerify(unfixed.caseId)).body).toMatchObject({ recorded: ['CaseVerified', 'ItemVerified'] });
    expect((await claimAndVerify(fixed.caseId)).body).toMatchObject({ recorded: ['CaseVerified', 'ItemVerified', 'ItemPublishable'] });

    const [toSupplier] = await receiver.waitFor('/supplier', 1, 90_000);
    const [toNetwork] = await receiver.waitFor('/network', 1, 30_000);
    expect(signed('supplier', toSupplier)).toBe(true);
    expect(signed('network', toNetwork)).toBe(true);
    const polled = (await call('GET', `${publication}/changes`, t.supplier)).body as { changes: Array<{ id: string }> };
    expect(polled.changes.map((c) => c.id)).toEqual([fixed.caseId]);
    expect(JSON.parse(toSupplier.body)).toMatchObject({ type: 'change-feed', subject: fixed.caseId, data: polled.changes[0] });
    expect(JSON.parse(toNetwork.body).data).toEqual(polled.changes[0]);
    for (const arrival of [toSupplier, toNetwork]) {
      expect(arrival.body).not.toContain(unfixed.caseId);
      expect(arrival.body).not.toContain('0003012F');
    }
  });

  it('tells SECAS of a release cut', async () => {
    expect((await call('POST', `${publication}/webhooks`, t.supplier, { url: receiver.url('/nope'), events: ['release.cut'] })).status).toBe(403);
    await subscribe(publication, t.secas, 'secas', ['release.cut']);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    const [year, month] = today.split('-').map(Number);
    const quarter = Math.ceil(month / 3);
    const lastQuarter = quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`;
    const cut = await call('POST', `${publication}/releases`, t.admin, { label: lastQuarter });
    expect(cut).toMatchObject({ status: 201, body: { number: 1 } });

    const [arrival] = await receiver.waitFor('/secas', 1, 60_000);
    expect(signed('secas', arrival)).toBe(true);
    expect(JSON.parse(arrival.body)).toMatchObject({ type: 'release.cut', source: 'urn:smi:service:publication', data: { number: 1, label: lastQuarter, link: '/releases/1' } });
  });
});
