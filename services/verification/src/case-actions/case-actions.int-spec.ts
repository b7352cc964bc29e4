import { DataSource } from 'typeorm';
import { Case } from '../case-aggregate';
import { ACME, ACME_PARTY, CSP, command, fixProposed, itemReported, othersItem, SUPPLIER, SYSTEM } from '../case-aggregate/test-support/case-fixtures';
import { caseIdFor, caseStreamId, CaseWriter } from '../case-store';
import { startVerificationTestApp, VerificationTestApp } from '../test-support/verification-test-app';

describe('case actions over HTTP (real PostgreSQL)', () => {
  let verification: VerificationTestApp;
  let writer: CaseWriter;
  let db: DataSource;
  let verifier: string;
  let secondVerifier: string;
  let dccReader: string;
  let acme: string;
  let otherManufacturer: string;
  let csp: string;
  let supplier: string;
  let makeId: string;
  let modelId: string;

  beforeAll(async () => {
    verification = await startVerificationTestApp('case-actions');
    writer = verification.app.get(CaseWriter);
    db = verification.app.get(DataSource);
    verifier = await verification.token({ sub: 'dcc-verifier-1', party: 'DCC', partyType: 'dcc', roles: ['verifier'] });
    secondVerifier = await verification.token({ sub: 'dcc-verifier-2', party: 'DCC', partyType: 'dcc', roles: ['verifier'] });
    dccReader = await verification.token({ party: 'DCC', partyType: 'dcc', roles: ['reader'] });
    acme = await verification.token({ sub: ACME.userId, party: ACME.partyId, partyType: 'manufacturer' });
    otherManufacturer = await verification.token({ party: 'OTHER-MFR', partyType: 'manufacturer' });
    csp = await verification.token({ sub: CSP.userId, party: CSP.partyId, partyType: 'csp' });
    supplier = await verification.token({ sub: SUPPLIER.userId, party: SUPPLIER.partyId, partyType: 'supplier' });
    const make = await verification.call('POST', '/catalogue/makes', verifier, { name: 'Acme Meters', aliases: ['ACME meters'], manufacturerId: '10A3' });
    makeId = (make.body as { makeId: string }).makeId;
    const model = await verification.call('POST', `/catalogue/makes/${makeId}/models`, verifier, { name: 'X1', aliases: ['x1'], smiModelId: '00050203' });
    modelId = (model.body as { modelId: string }).modelId;
  }, 60_000);

  afterAll(async () => {
    await verification?.stop();
  });

  const post = (path: string, token: string, body: unknown = {}) => verification.call('POST', path, token, body);
  const recorded = async (caseId: string) =>
    (await db.query(`SELECT event_type, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`, [caseStreamId(caseId)])) as Array<{
      event_type: string;
      metadata: { correlationId: string; actor: { userId: string } };
    }>;
  const types = async (caseId: string) => (await recorded(caseId)).map((e) => e.event_type);
  const checks = { data: true, fixReference: true, presentation: true };

  async function openOthersItem(identifier: string, overrides: Parameters<typeof othersItem>[0] = {}): Promise<string> {
    const caseId = caseIdFor({ kind: 'item', providerPartyId: CSP.partyId, identifier });
    await writer.execute(command(caseId, SYSTEM, { type: 'OpenItemCase', item: othersItem({ identifier, ...overrides }), accountable: ACME_PARTY }));
    return caseId;
  }

  it('runs an item through claim, a question, the answer, verification and R3 agreement, each event carrying the caller and the request id', async () => {
    const caseId = await openOthersItem('actions-1');
    expect((await post(`/cases/${caseId}/claim`, verifier)).body).toEqual({ caseId, state: 'claimed', recorded: ['CaseClaimed'] });
    expect((await post(`/cases/${caseId}/claim`, verifier)).body).toEqual({ caseId, state: 'claimed', recorded: [] });
    expect((await post(`/cases/${caseId}/information-requests`, verifier, { question: 'Which builds?' })).body).toMatchObject({ state: 'awaiting-information' });
    expect((await post(`/cases/${caseId}/responses`, csp, { answer: '38040404 only' })).body).toMatchObject({ state: 'queued', recorded: ['InformationProvided'] });
    await post(`/cases/${caseId}/claim`, verifier);
    const verified = await verification.call('POST', `/cases/${caseId}/verification`, verifier, { checks, note: 'release notes match' });
    expect(verified.body).toEqual({ caseId, state: 'awaiting-agreement', recorded: ['CaseVerified', 'ItemVerified'] });
    expect((await post(`/cases/${caseId}/agreement`, acme, { agreed: true })).body).toMatchObject({ state: 'verified', recorded: ['InclusionAgreed'] });

    const events = await recorded(caseId);
    expect(events.map((e) => e.event_type)).toEqual(['CaseOpened', 'CaseClaimed', 'InformationRequested', 'InformationProvided', 'CaseClaimed', 'CaseVerified', 'ItemVerified', 'InclusionAgreed']);
    expect(events[5].metadata.actor.userId).toBe('dcc-verifier-1');
    expect(events[7].metadata.actor.userId).toBe(ACME.userId);
    expect(new Set(events.slice(1).map((e) => e.metadata.correlationId)).size).toBe(6);
  });

  it('answers 409 naming the state, 403 for the wrong party, and records nothing either way', async () => {
    const caseId = await openOthersItem('actions-2');
    const notClaimed = await post(`/cases/${caseId}/rejection`, verifier, { reason: 'no evidence' });
    expect(notClaimed.status).toBe(409);
    expect(notClaimed.body).toMatchObject({ code: 'CASE_STATE_CONFLICT', details: { state: 'queued' } });

    expect((await post(`/cases/${caseId}/claim`, dccReader)).status).toBe(403);
    expect((await post(`/cases/${caseId}/claim`, acme)).status).toBe(403);
    // The provider may see its case, but agreeing is the accountable party's, and the answer does not name it.
    const providerAgrees = await post(`/cases/${caseId}/agreement`, csp, { agreed: true });
    expect(providerAgrees.status).toBe(403);
    expect(JSON.stringify(providerAgrees.body)).not.toContain(ACME.partyId);

    await post(`/cases/${caseId}/claim`, verifier);
    const heldByAnother = await post(`/cases/${caseId}/rejection`, secondVerifier, { reason: 'no evidence' });
    expect(heldByAnother.status).toBe(409);
    expect(heldByAnother.body).toMatchObject({ code: 'CASE_CLAIM_CONFLICT', details: { assignee: 'dcc-verifier-1' } });
    expect(await types(caseId)).toEqual(['CaseOpened', 'CaseClaimed']);
  });

  it('tells a party with nothing to do with a case that it does not exist', async () => {
    const caseId = await openOthersItem('actions-3');
    for (const token of [otherManufacturer, supplier]) {
      const response = await post(`/cases/${caseId}/responses`, token, { answer: 'hello' });
      expect(response.status).toBe(404);
      expect(JSON.stringify(response.body)).not.toMatch(/CSP-N|ACME/);
    }
    const unknown = caseIdFor({ kind: 'item', providerPartyId: 'NOBODY', identifier: 'x' });
    expect((await post(`/cases/${unknown}/agreement`, otherManufacturer, { agreed: true })).status).toBe(404);
  });

  it('refuses bad input with 400 naming the field, before anything is recorded', async () => {
    const caseId = await openOthersItem('actions-4');
    await post(`/cases/${caseId}/claim`, verifier);
    const cases: Array<[string, unknown, string]> = [
      [`/cases/${caseId}/rejection`, {}, 'reason'],
      [`/cases/${caseId}/rejection`, { reason: 'x'.repeat(4001) }, 'reason'],
      [`/cases/${caseId}/information-requests`, { question: '   ' }, 'question'],
      [`/cases/${caseId}/verification`, { checks: { data: 'yes', fixReference: true, presentation: true } }, 'checks.data'],
      [`/cases/${caseId}/verification`, { checks, catalogue: { makeId: 'not-a-uuid' } }, 'catalogue.makeId'],
      [`/cases/${caseId}/duplicate`, { duplicateOf: 'abc', reason: 'same' }, 'duplicateOf'],
      [`/cases/${caseId}/claim`, { extra: 1 }, 'extra'],
      [`/cases/not-a-uuid/claim`, {}, 'caseId'],
      [`/fixes/F-1/confirmation`, { confirmed: true }, 'fixId'],
    ];
    for (const [path, body, field] of cases) {
      const response = await post(path, path.startsWith('/fixes') ? acme : verifier, body);
      expect({ path, field, status: response.status }).toEqual({ path, field, status: 400 });
      expect(JSON.stringify(response.body)).toContain(field);
    }
    // Input is read before the state: a dispute without a reason is a 400 even while agreement is not asked.
    const disputeWithoutReason = await post(`/cases/${caseId}/agreement`, acme, { agreed: false });
    expect(disputeWithoutReason.status).toBe(400);
    expect(disputeWithoutReason.body).toMatchObject({ code: 'INVALID_COMMAND', details: { field: 'reason' } });
    expect(await types(caseId)).toEqual(['CaseOpened', 'CaseClaimed']);
  });

  it('verifies only with the make and model in the catalogue, mapping a verifier’s choice as an alias in the same transaction', async () => {
    const caseId = caseIdFor({ kind: 'report', reportId: 'R-actions-5' });
    await writer.execute(command(caseId, SUPPLIER, { type: 'OpenReportCase', report: itemReported({ reportId: 'R-actions-5', make: 'Akme', model: 'X-One' }), accountable: ACME_PARTY }));
    await post(`/cases/${caseId}/claim`, verifier);

    const missing = await post(`/cases/${caseId}/verification`, verifier, { checks });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ code: 'CATALOGUE_MAKE_MISSING', details: { missing: 'make' } });

    // Mapping only the make leaves the model missing: the whole verification is refused, the make's alias too.
    const modelStillMissing = await post(`/cases/${caseId}/verification`, verifier, { checks, catalogue: { makeId } });
    expect(modelStillMissing.body).toMatchObject({ code: 'CATALOGUE_MODEL_MISSING' });
    expect(((await verification.call('GET', `/catalogue/makes/${makeId}`, verifier)).body as { aliases: string[] }).aliases).not.toContain('Akme');

    const mapped = await post(`/cases/${caseId}/verification`, verifier, { checks, catalogue: { makeId, modelId } });
    expect(mapped.body).toMatchObject({ state: 'awaiting-agreement', recorded: ['CaseVerified', 'ItemVerified'] });
    const catalogueMake = (await verification.call('GET', `/catalogue/makes/${makeId}`, verifier)).body as { aliases: string[]; models: Array<{ aliases: string[] }> };
    expect(catalogueMake.aliases).toContain('Akme');
    expect(catalogueMake.models[0].aliases).toContain('X-One');
    const snapshot = (await db.query(`SELECT snapshot FROM cases WHERE case_id = $1`, [caseId]))[0].snapshot as Case;
    expect(snapshot.verified?.canonical).toMatchObject({ makeId, make: 'Acme Meters', modelId, model: 'X1', manufacturerId: '10A3' });
  });

  it('confirms a proposed fix by its id (R5), which makes the fixed item publishable', async () => {
    const itemCase = await openOthersItem('actions-6', { statusOfInformation: 'Defect', fixAvailable: false, fixInformation: null });
    await post(`/cases/${itemCase}/claim`, verifier);
    await post(`/cases/${itemCase}/verification`, verifier, { checks });
    await post(`/cases/${itemCase}/agreement`, acme, { agreed: true });

    const fixCase = caseIdFor({ kind: 'fix', fixId: 'F-000006' });
    const fix = fixProposed({ fixId: 'F-000006', target: { kind: 'item', providerPartyId: CSP.partyId, identifier: 'actions-6' }, make: null, model: null, firmwareVersion: null, deviceType: null });
    await writer.execute(command(fixCase, SUPPLIER, { type: 'OpenFixCase', fix, accountable: ACME_PARTY, targetItemFound: true }));
    await post(`/cases/${fixCase}/claim`, verifier);
    // The proposal is matched to the catalogue by the spellings of the item it fixes.
    expect((await post(`/cases/${fixCase}/verification`, verifier, { checks })).body).toMatchObject({ state: 'verified' });

    expect((await post('/fixes/F-000006/confirmation', otherManufacturer, { confirmed: true })).status).toBe(404);
    expect((await post('/fixes/F-000099/confirmation', acme, { confirmed: true })).status).toBe(404);
    const confirmed = await post('/fixes/F-000006/confirmation', acme, { confirmed: true, note: 'released in 38040405' });
    expect(confirmed.body).toEqual({ caseId: fixCase, state: 'verified', recorded: ['FixConfirmed', 'FixAccepted'] });
    expect(await types(itemCase)).toEqual(expect.arrayContaining(['FixAttached', 'ItemPublishable']));
  });

  it('lets a verifier settle a fix naming an item never received, then match it to the catalogue by the entry chosen', async () => {
    const fixCase = caseIdFor({ kind: 'fix', fixId: 'F-000007' });
    const fix = fixProposed({ fixId: 'F-000007', target: { kind: 'item', providerPartyId: CSP.partyId, identifier: 'never-sent' }, make: null, model: null, firmwareVersion: null, deviceType: null });
    await writer.execute(command(fixCase, SUPPLIER, { type: 'OpenFixCase', fix, accountable: ACME_PARTY, targetItemFound: false }));
    await post(`/cases/${fixCase}/claim`, verifier);

    expect((await post(`/cases/${fixCase}/verification`, verifier, { checks })).body).toMatchObject({ code: 'FIX_REFERENCE_UNRESOLVED' });
    expect((await post(`/cases/${fixCase}/fix-reference`, verifier, { note: 'the CSP confirmed the item by phone' })).body).toMatchObject({ recorded: ['FixReferenceResolved'] });
    // Nothing to resolve by spelling: the verifier names the entry, by make and model.
    expect((await post(`/cases/${fixCase}/verification`, verifier, { checks })).body).toMatchObject({ code: 'CATALOGUE_MAKE_MISSING' });
    expect((await post(`/cases/${fixCase}/verification`, verifier, { checks, catalogue: { makeId } })).body).toMatchObject({ code: 'CATALOGUE_MAKE_MISSING' });
    const verified = await post(`/cases/${fixCase}/verification`, verifier, { checks, catalogue: { makeId, modelId } });
    expect(verified.body).toMatchObject({ state: 'verified', recorded: ['CaseVerified'] });
    const snapshot = (await db.query(`SELECT snapshot FROM cases WHERE case_id = $1`, [fixCase]))[0].snapshot as Case;
    expect(snapshot.verified?.canonical).toMatchObject({ makeId, modelId, make: 'Acme Meters' });
  });
});
