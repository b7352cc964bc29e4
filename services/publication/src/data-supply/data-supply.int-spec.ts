import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IntakeTopic } from '../test-support/intake-events';
import { PublicationTestApp, startPublicationTestApp } from '../test-support/publication-test-app';
import { deadLettered, publicationSettled, rebuildProjections } from '../test-support/publication-waits';
import { nonSuppliersIn, submissionsIn } from './data-supply.queries';

/**
 * What releases need of intake.events (parties, submissions recorded, data requests): copied into publication's
 * store as intake published them, projected, and rebuilt from the store alone to the same rows.
 */
describe('the copy of intake’s events and the data-supply read models (real PostgreSQL and Kafka)', () => {
  let publication: PublicationTestApp;
  let db: DataSource;
  let intake: IntakeTopic;
  let dcc: string;
  let operator: string;

  const settled = () => publicationSettled(publication, dcc, { intake });

  const snapshot = async () => ({
    parties: await db.query(`SELECT * FROM parties ORDER BY party_id`),
    requests: await db.query(`SELECT * FROM data_requests ORDER BY request_id`),
    submissions: await db.query(`SELECT * FROM submissions_received ORDER BY submission_id`),
  });

  beforeAll(async () => {
    publication = await startPublicationTestApp('data-supply', { env: { PUBLICATION_RELEASE_DUE_CHECK_INTERVAL_MS: '86400000' } });
    db = publication.app.get(DataSource);
    intake = new IntakeTopic(publication.topicPrefix);
    dcc = await publication.token({ party: 'DCC', partyType: 'dcc' });
    operator = await publication.token({ party: 'DCC', partyType: 'dcc', roles: ['operator'] });

    await intake.registerParty('MFR-NORTHWIND', 'Northwind Metering', 'manufacturer');
    await intake.renameParty('MFR-NORTHWIND', 'Northwind Metering Ltd', 'Northwind Metering');
    await intake.registerParty('CSP-ONE', 'Comms One Ltd', 'csp');
    await intake.issueDataRequest('DR-000001', 'MFR-NORTHWIND', '2026-08-14');
    await intake.markOverdue('DR-000001', 'MFR-NORTHWIND', '2026-08-14', '2026-09-07', '2026-09-08');
    // Overdue, then delivered late: supplied.
    await intake.issueDataRequest('DR-000002', 'CSP-ONE', '2026-07-01', 'csp');
    await intake.markOverdue('DR-000002', 'CSP-ONE', '2026-07-01', '2026-07-22', '2026-07-23');
    await intake.supply('DR-000002', 'CSP-ONE', '2026-07-30T16:00:00.000Z', { late: true, providerPartyType: 'csp' });
    await intake.issueDataRequest('DR-000003', 'MFR-UNREGISTERED', '2026-09-30');
    await settled();
  }, 120_000);

  afterAll(async () => {
    await intake?.close();
    await publication?.stop();
  });

  it('keeps each event as intake published it, in the copy of its stream, with where it came from', async () => {
    const [copy] = await db.query(`SELECT event_type, event_id::text AS event_id, data, metadata FROM events WHERE stream_id = 'intake-data-request-DR-000001' ORDER BY stream_version`);
    const [sent] = intake.sent.filter((m) => m.key === 'data-request-DR-000001');
    expect(copy).toMatchObject({ event_type: 'DataRequestIssued', event_id: sent.headers.ce_id, data: JSON.parse(sent.value) });
    expect(copy.metadata).toMatchObject({ sourceService: 'intake', correlationId: sent.headers.correlation_id, actor: { partyId: 'DCC' }, source: { streamId: 'data-request-DR-000001', streamVersion: 1 } });
  });

  it('projects the parties, the data requests as intake decided them, and the submissions received', async () => {
    const { parties, requests, submissions } = await snapshot();
    expect(parties.map((p: { party_id: string; name: string }) => [p.party_id, p.name])).toEqual([
      ['CSP-ONE', 'Comms One Ltd'],
      ['MFR-NORTHWIND', 'Northwind Metering Ltd'],
    ]);
    expect(requests.map((r: { request_id: string; status: string; late: boolean | null }) => [r.request_id, r.status, r.late])).toEqual([
      ['DR-000001', 'overdue', null],
      ['DR-000002', 'fulfilled', true],
      ['DR-000003', 'open', null],
    ]);
    expect(submissions).toHaveLength(1);
  });

  it('names the providers that did not supply data for a quarter, and those whose files came in it', async () => {
    const q3 = { from: '2026-07-01', to: '2026-09-30' };
    expect(await nonSuppliersIn(db.manager, q3)).toEqual([
      { providerPartyId: 'MFR-NORTHWIND', providerName: 'Northwind Metering Ltd', providerPartyType: 'manufacturer', requests: [{ requestId: 'DR-000001', agreedDeliveryDate: '2026-08-14', status: 'overdue', overdueSince: '2026-09-08' }] },
      // Not registered with publication's copy of the registry: named by its id alone.
      { providerPartyId: 'MFR-UNREGISTERED', providerName: null, providerPartyType: 'manufacturer', requests: [{ requestId: 'DR-000003', agreedDeliveryDate: '2026-09-30', status: 'open', overdueSince: null }] },
    ]);
    expect(await nonSuppliersIn(db.manager, { from: '2026-10-01', to: '2026-12-31' })).toEqual([]);
    expect(await submissionsIn(db.manager, q3)).toEqual([{ providerPartyId: 'CSP-ONE', providerName: 'Comms One Ltd', providerPartyType: 'csp', submissions: 1, rows: 12 }]);
  });

  it('passes over messages it holds already, and dead-letters one that breaks intake’s contract, copying nothing of it', async () => {
    await intake.resend(intake.sent.slice(0, 4));
    const broken = randomUUID();
    const [template] = intake.sent;
    await intake.resend([
      { key: `data-request-DR-9`, value: JSON.stringify({ requestId: 'DR-9', providerPartyId: 'X' }), headers: { ...template.headers, ce_id: broken, ce_type: 'DataRequestIssued', ce_subject: 'data-request-DR-9' } },
    ]);
    await deadLettered(publication, 'publication.intake-feed');
    await intake.issueDataRequest('DR-000004', 'CSP-ONE', '2026-11-02', 'csp');
    await settled();
    expect(await db.query(`SELECT 1 FROM events WHERE event_id = $1`, [broken])).toEqual([]);
    expect((await snapshot()).requests).toHaveLength(4);
  });

  it('rebuilds each read model from publication’s store beside the live one, to the same rows', async () => {
    const before = await snapshot();
    await rebuildProjections(publication, ['parties', 'data_requests', 'submissions_received'], { dcc, operator });
    expect(await snapshot()).toEqual(before);
  });
});
