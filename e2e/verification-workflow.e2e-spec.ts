import { SUBMISSION_COLUMNS } from '@smi/contracts';
import { waitFor } from '@smi/testing';
import { TestKafka, TopicReader } from './support/kafka';
import { call, TestSystem } from './support/system';

interface CaseView {
  caseId: string;
  caseKind: 'item' | 'report' | 'fix';
  state: string;
  subject: Record<string, unknown> & { kind: string };
  accountable: { partyId: string; partyType: string } | null;
  fixReference: string;
}

interface PublishedItem {
  caseId: string;
  canonical: { make: string; model: string; manufacturerId: string | null; smiModelId: string | null };
  submittedMake: string;
  firmwareVersion: string;
  inclusion: string;
  fix: { fixId: string | null; confirmation: { via: string; partyId: string } | null } | null;
  sources: Array<{ kind: string }>;
}

const csv = (...rows: string[][]) => [SUBMISSION_COLUMNS.join(','), ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';

/**
 * Verification on the compiled services over real Kafka and PostgreSQL: a manufacturer's file, a supplier's
 * report and a supplier's fix proposal reach verification through intake.events and open cases; DCC verifies
 * them against its catalogue; the manufacturer agrees to the report's inclusion (R3) and confirms the proposed
 * fix (R5); both items are then published on verification.events as ItemPublishable, in canonical form.
 */
describe('verification: from intake to a publishable item', () => {
  const system = new TestSystem();
  const kafka = new TestKafka();
  let intake: string;
  let verification: string;
  let published: TopicReader;
  const t: Record<string, string> = {};

  beforeAll(async () => {
    await system.start(['intake', 'verification']);
    intake = system.url('intake');
    verification = system.url('verification');
    t.admin = await system.token({ party: 'DCC', partyType: 'dcc', roles: ['registry.admin'] });
    t.verifier = await system.token({ sub: 'dcc-verifier-1', party: 'DCC', partyType: 'dcc', roles: ['verifier'] });
    t.northwind = await system.token({ sub: 'nw-user', party: 'MFR-NORTHWIND', partyType: 'manufacturer' });
    t.southwind = await system.token({ party: 'MFR-SOUTHWIND', partyType: 'manufacturer' });
    t.supplier = await system.token({ sub: 'sup-user', party: 'SUP-A', partyType: 'supplier' });
    for (const party of [
      { partyId: 'MFR-NORTHWIND', name: 'Northwind Metering Ltd', partyType: 'manufacturer', makes: ['Northwind Metering', 'NW Metering'] },
      { partyId: 'MFR-SOUTHWIND', name: 'Southwind Meters plc', partyType: 'manufacturer', makes: ['Southwind'] },
      { partyId: 'SUP-A', name: 'Supplier A', partyType: 'supplier' },
    ]) {
      expect((await call('POST', `${intake}/parties`, t.admin, party)).status).toBe(201);
    }
    const make = await call('POST', `${verification}/catalogue/makes`, t.verifier, { name: 'Northwind Metering', aliases: ['NW Metering'], manufacturerId: '1A2B' });
    const makeId = (make.body as { makeId: string }).makeId;
    expect((await call('POST', `${verification}/catalogue/makes/${makeId}/models`, t.verifier, { name: 'NW-E470', smiModelId: '0000E470' })).status).toBe(201);
    published = await kafka.read(`${system.topicPrefix}.verification.events`);
  });

  afterAll(async () => {
    await kafka.close();
    await system.stop();
  });

  const v = (method: string, path: string, token: string, body?: unknown) => call(method, `${verification}${path}`, token, body);
  const cases = async (query: string) => ((await v('GET', `/cases?${query}`, t.verifier)).body as { cases: CaseView[] }).cases;
  const oneCase = (query: string) => waitFor(async () => (await cases(query))[0], 60_000, `a case for ${query}`);
  const checks = { data: true, fixReference: true, presentation: true };

  async function claimAndVerify(caseId: string): Promise<{ status: number; body: unknown }> {
    expect((await v('POST', `/cases/${caseId}/claim`, t.verifier)).status).toBe(200);
    return v('POST', `/cases/${caseId}/verification`, t.verifier, { checks, note: 'checked against the release notes' });
  }

  const publishable = (caseId: string) =>
    published.waitFor((m) => m.headers.ce_type === 'ItemPublishable' && (JSON.parse(m.value!.toString()) as { caseId: string }).caseId === caseId);

  it('publishes a manufacturer’s own fixed item, and a supplier’s report once agreed and its proposed fix confirmed', async () => {
    const file = csv(
      ['1001', 'NW Metering', 'nw-e470', '0002012F', 'ESME', 'Device Manufacturer', 'Fix', '2026-03-14', 'Yes', 'Upgrade to 00020130'],
      ['1002', 'Northwind Metering', 'NW-E470', '0002012F', 'ESME', 'Device Manufacturer', 'Defect', '2026-03-14', 'No', ''],
    );
    const form = new FormData();
    form.append('file', new Blob([file]), 'northwind.csv');
    const upload = await fetch(`${intake}/submissions`, { method: 'POST', headers: { authorization: `Bearer ${t.northwind}` }, body: form });
    expect(upload.status).toBe(201);

    const report = await call('POST', `${intake}/reports`, t.supplier, {
      make: 'northwind  metering',
      model: 'NW-E470',
      firmwareVersion: '0002012F',
      deviceType: 'ESME',
      statusOfInformation: 'Defect',
      description: 'Reboots when the tariff switches at midnight',
      dateObserved: '2026-03-01',
    });
    expect(report.status).toBe(201);
    const reportId = (report.body as { reportId: string }).reportId;
    const fix = await call('POST', `${intake}/fixes`, t.supplier, { reportId, fixingFirmwareVersion: '00020131', fixInformation: 'Firmware 00020131 stops the reboot' });
    expect(fix.status).toBe(201);
    const fixId = (fix.body as { fixId: string }).fixId;

    // The manufacturer's own row with its own fix: verified, it is publishable at once (no agreement, no confirmation).
    const own = await oneCase('kind=item&provider=MFR-NORTHWIND&make=NW%20Metering');
    expect(own).toMatchObject({ state: 'queued', accountable: { partyId: 'MFR-NORTHWIND', partyType: 'manufacturer' } });
    expect((await claimAndVerify(own.caseId)).body).toMatchObject({ state: 'verified', recorded: ['CaseVerified', 'ItemVerified', 'ItemPublishable'] });
    const ownItem = JSON.parse((await publishable(own.caseId)).value!.toString()).item as PublishedItem;
    expect(ownItem).toMatchObject({
      canonical: { make: 'Northwind Metering', model: 'NW-E470', manufacturerId: '1A2B', smiModelId: '0000E470' },
      submittedMake: 'NW Metering',
      inclusion: 'own-declaration',
      fix: { fixId: null, confirmation: { via: 'own-submission', partyId: 'MFR-NORTHWIND' } },
    });

    // The supplier's report: verified, it waits on the manufacturer's agreement (R3).
    const reportCase = await oneCase('kind=report&provider=SUP-A');
    expect((await claimAndVerify(reportCase.caseId)).body).toMatchObject({ state: 'awaiting-agreement' });
    const waiting = (await call('GET', `${verification}/cases?waitingOn=MFR-NORTHWIND`, t.northwind)).body as { cases: Array<{ caseId: string }> };
    expect(waiting.cases.map((c) => c.caseId)).toEqual([reportCase.caseId]);
    expect((await v('POST', `/cases/${reportCase.caseId}/agreement`, t.northwind, { agreed: true })).body).toMatchObject({ state: 'verified', recorded: ['InclusionAgreed'] });

    // The supplier's fix proposal for that report: verified by DCC, confirmed by the manufacturer (R5), attached to the report.
    const fixCase = await oneCase('kind=fix&provider=SUP-A');
    expect(fixCase).toMatchObject({ fixReference: 'not-applicable', accountable: { partyId: 'MFR-NORTHWIND' } });
    expect((await claimAndVerify(fixCase.caseId)).body).toMatchObject({ state: 'verified' });
    const confirmation = await call('POST', `${verification}/fixes/${fixId}/confirmation`, t.northwind, { confirmed: true, note: 'released 2026-03-20' });
    expect(confirmation.body).toMatchObject({ recorded: ['FixConfirmed', 'FixAccepted'] });

    const reportItem = JSON.parse((await publishable(reportCase.caseId)).value!.toString()).item as PublishedItem;
    expect(reportItem).toMatchObject({
      canonical: { make: 'Northwind Metering', model: 'NW-E470' },
      inclusion: 'agreed',
      fix: { fixId, confirmation: { via: 'confirmation', partyId: 'MFR-NORTHWIND' } },
    });

    // The row without a fix is verified but not publishable: nothing publishes an item without a confirmed fix.
    const unfixed = await oneCase('kind=item&provider=MFR-NORTHWIND&state=queued');
    expect((await claimAndVerify(unfixed.caseId)).body).toMatchObject({ state: 'verified', recorded: ['CaseVerified', 'ItemVerified'] });
  });

  it('refuses the wrong party, the wrong state, a make missing from the catalogue, a fix naming nothing, and another make’s manufacturer', async () => {
    const report = await call('POST', `${intake}/reports`, t.supplier, {
      make: 'Contoso Meters',
      model: 'C-1',
      firmwareVersion: '1.0',
      deviceType: 'ESME',
      statusOfInformation: 'Issue',
      description: 'Display flickers',
      dateObserved: '2026-03-02',
    });
    expect(report.status).toBe(201);
    const contoso = await oneCase('kind=report&make=Contoso%20Meters');

    expect((await v('POST', `/cases/${contoso.caseId}/claim`, t.supplier)).status).toBe(403);
    const early = await v('POST', `/cases/${contoso.caseId}/rejection`, t.verifier, { reason: 'not yet claimed' });
    expect(early).toMatchObject({ status: 409, body: { code: 'CASE_STATE_CONFLICT', details: { state: 'queued' } } });
    const missingMake = await claimAndVerify(contoso.caseId);
    expect(missingMake).toMatchObject({ status: 422, body: { code: 'CATALOGUE_MAKE_MISSING' } });

    const ghostFix = await call('POST', `${intake}/fixes`, t.supplier, {
      item: { providerPartyId: 'MFR-NORTHWIND', identifier: '999999' },
      fixingFirmwareVersion: '00020131',
      fixInformation: 'Upgrade',
    });
    expect(ghostFix.status).toBe(201);
    const ghost = await oneCase(`kind=fix&provider=SUP-A&state=queued`);
    expect(ghost.fixReference).toBe('unresolved');
    expect((await claimAndVerify(ghost.caseId)).body).toMatchObject({ code: 'FIX_REFERENCE_UNRESOLVED' });

    // Southwind's manufacturer has nothing to do with a Northwind case: it is told the case does not exist.
    const northwindReport = await call('POST', `${intake}/reports`, t.supplier, {
      make: 'Northwind Metering',
      model: 'NW-E470',
      firmwareVersion: '0002012F',
      deviceType: 'ESME',
      statusOfInformation: 'Issue',
      description: 'Slow to join the HAN',
      dateObserved: '2026-03-03',
    });
    expect(northwindReport.status).toBe(201);
    const another = await oneCase('kind=report&provider=SUP-A&state=queued&make=Northwind%20Metering');
    expect((await claimAndVerify(another.caseId)).body).toMatchObject({ state: 'awaiting-agreement' });
    const meddling = await v('POST', `/cases/${another.caseId}/agreement`, t.southwind, { agreed: false, reason: 'not ours' });
    expect(meddling.status).toBe(404);
    expect((await call('GET', `${verification}/cases/${another.caseId}`, t.southwind)).status).toBe(404);
  });
});
