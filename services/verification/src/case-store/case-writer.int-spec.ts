import { DomainError } from '@smi/decider';
import { DataSource } from 'typeorm';
import { Case } from '../case-aggregate';
import {
  ACME,
  ACME_PARTY,
  CATALOGUE,
  CHECKED,
  CSP,
  command,
  fixProposed,
  itemReported,
  othersItem,
  SUPPLIER,
  SYSTEM,
  VERIFIER,
  VERIFIER_2,
} from '../case-aggregate/test-support/case-fixtures';
import { startVerificationTestApp, VerificationTestApp } from '../test-support/verification-test-app';
import { caseIdFor, caseStreamId } from './case-ids';
import { CaseWriter } from './case-writer';

describe('CaseWriter (real PostgreSQL)', () => {
  let verification: VerificationTestApp;
  let writer: CaseWriter;
  let db: DataSource;

  beforeAll(async () => {
    verification = await startVerificationTestApp('case-writer');
    writer = verification.app.get(CaseWriter);
    db = verification.app.get(DataSource);
  }, 60_000);

  afterAll(async () => {
    await verification?.stop();
  });

  const run = (caseId: string, actor: typeof VERIFIER, body: Parameters<typeof command>[2]) => writer.execute(command(caseId, actor, body));
  const events = async (caseId: string) => (await db.query(`SELECT event_type FROM events WHERE stream_id = $1 ORDER BY stream_version`, [caseStreamId(caseId)])).map((r: { event_type: string }) => r.event_type);
  const row = async (caseId: string) => (await db.query(`SELECT * FROM cases WHERE case_id = $1`, [caseId]))[0];

  async function verify(caseId: string, actor = VERIFIER) {
    await run(caseId, actor, { type: 'ClaimCase' });
    return run(caseId, actor, { type: 'VerifyCase', checks: CHECKED, catalogue: CATALOGUE });
  }

  it('derives one case id per intake item, report or fix, whatever the text', () => {
    const a = caseIdFor({ kind: 'item', providerPartyId: 'P', identifier: 'x' });
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(caseIdFor({ kind: 'item', providerPartyId: 'P', identifier: 'x' })).toBe(a);
    // The separator cannot be forged by moving characters between the parts.
    expect(caseIdFor({ kind: 'item', providerPartyId: 'P\u0000x', identifier: '' })).not.toBe(a);
    expect(caseIdFor({ kind: 'report', reportId: 'R-000001' })).not.toBe(caseIdFor({ kind: 'fix', fixId: 'R-000001' }));
  });

  it('writes the queue row with the events, and a refusal records nothing', async () => {
    const caseId = caseIdFor({ kind: 'item', providerPartyId: CSP.partyId, identifier: 'writer-1' });
    await run(caseId, SYSTEM, { type: 'OpenItemCase', item: othersItem({ identifier: 'writer-1' }), accountable: ACME_PARTY });
    expect(await row(caseId)).toMatchObject({ state: 'queued', case_kind: 'item', provider_party_id: CSP.partyId, make_key: 'acme meters', version: 1 });

    await expect(run(caseId, CSP, { type: 'ClaimCase' })).rejects.toMatchObject({ code: 'FORBIDDEN_NOT_VERIFIER' });
    await verify(caseId);
    expect(await row(caseId)).toMatchObject({ state: 'awaiting-agreement', waiting_on: ACME.partyId, waiting_for: 'agreement', wait_chased: true });
    expect(await events(caseId)).toEqual(['CaseOpened', 'CaseClaimed', 'CaseVerified', 'ItemVerified']);
    const snapshot = (await row(caseId)).snapshot as Case;
    expect(snapshot.verified?.canonical).toMatchObject({ make: 'Acme Meters', model: 'X1' });
  });

  it('lets one of two verifiers claim a case at once, the other told who holds it', async () => {
    const caseId = caseIdFor({ kind: 'report', reportId: 'R-writer-2' });
    await run(caseId, SUPPLIER, { type: 'OpenReportCase', report: itemReported({ reportId: 'R-writer-2' }), accountable: ACME_PARTY });
    const outcomes = await Promise.allSettled([run(caseId, VERIFIER, { type: 'ClaimCase' }), run(caseId, VERIFIER_2, { type: 'ClaimCase' })]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!.reason as DomainError;
    expect(refused.code).toBe('CASE_CLAIM_CONFLICT');
    expect(await events(caseId)).toEqual(['CaseOpened', 'CaseClaimed']);
  });

  it('merges a duplicate’s sources into the surviving case in the same transaction, and refuses a survivor that does not exist', async () => {
    const survivor = caseIdFor({ kind: 'item', providerPartyId: CSP.partyId, identifier: 'writer-3a' });
    const duplicate = caseIdFor({ kind: 'report', reportId: 'R-writer-3' });
    await run(survivor, SYSTEM, { type: 'OpenItemCase', item: othersItem({ identifier: 'writer-3a' }), accountable: ACME_PARTY });
    await run(duplicate, SUPPLIER, { type: 'OpenReportCase', report: itemReported({ reportId: 'R-writer-3' }), accountable: ACME_PARTY });
    await run(duplicate, VERIFIER, { type: 'ClaimCase' });

    const missing = caseIdFor({ kind: 'item', providerPartyId: 'NOBODY', identifier: 'none' });
    await expect(run(duplicate, VERIFIER, { type: 'MarkDuplicate', duplicateOf: missing, reason: 'same defect' })).rejects.toMatchObject({
      code: 'CASE_NOT_FOUND',
      details: { field: 'duplicateOf' },
    });
    expect(await events(duplicate)).toEqual(['CaseOpened', 'CaseClaimed']);

    await run(duplicate, VERIFIER, { type: 'MarkDuplicate', duplicateOf: survivor, reason: 'same defect' });
    expect(await events(survivor)).toEqual(['CaseOpened', 'SourcesMerged']);
    const sources = ((await row(survivor)).snapshot as Case).sources.map((s) => s.caseId);
    expect(sources).toEqual([survivor, duplicate]);
    expect(await row(duplicate)).toMatchObject({ state: 'duplicate' });
  });

  it('attaches a verified, confirmed fix proposal to the case of the item it fixes, which then becomes publishable', async () => {
    const itemCase = caseIdFor({ kind: 'item', providerPartyId: CSP.partyId, identifier: 'writer-4' });
    await run(itemCase, SYSTEM, { type: 'OpenItemCase', item: othersItem({ identifier: 'writer-4', fixAvailable: false, fixInformation: null, statusOfInformation: 'Defect' }), accountable: ACME_PARTY });
    await verify(itemCase);
    await run(itemCase, ACME, { type: 'AgreeInclusion' });
    expect(await events(itemCase)).not.toContain('ItemPublishable');

    const fixCase = caseIdFor({ kind: 'fix', fixId: 'F-writer-4' });
    await run(fixCase, SUPPLIER, {
      type: 'OpenFixCase',
      fix: fixProposed({ fixId: 'F-writer-4', target: { kind: 'item', providerPartyId: CSP.partyId, identifier: 'writer-4' }, make: null, model: null, firmwareVersion: null, deviceType: null }),
      accountable: ACME_PARTY,
      targetItemFound: true,
    });
    expect(await row(fixCase)).toMatchObject({ target_case_id: itemCase, make: null });
    await verify(fixCase);
    await run(fixCase, ACME, { type: 'ConfirmFix', confirmed: true, note: 'tested on our bench' });

    expect(await events(fixCase)).toEqual(['CaseOpened', 'CaseClaimed', 'CaseVerified', 'FixConfirmed', 'FixAccepted']);
    expect(await events(itemCase)).toEqual(['CaseOpened', 'CaseClaimed', 'CaseVerified', 'ItemVerified', 'InclusionAgreed', 'FixAttached', 'ItemPublishable']);
    expect(await row(itemCase)).toMatchObject({ published: true, state: 'verified' });
  });
});
