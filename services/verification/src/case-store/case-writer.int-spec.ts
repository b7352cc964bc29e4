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
  duplicateFlagged,
  fixProposed,
  itemReported,
  othersItem,
  SUPPLIER,
  SYSTEM,
  VERIFIER,
  VERIFIER_2,
} from '../case-aggregate/test-support/case-fixtures';
import { CaseCommand } from '../case-aggregate';
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
  describe('executeMany', () => {
    const stored = async (caseId: string) =>
      (await db.query(`SELECT event_type, metadata, transaction_id::text AS tx FROM events WHERE stream_id = $1 ORDER BY stream_version`, [caseStreamId(caseId)])) as Array<{
        event_type: string;
        metadata: { correlationId: string; causationId?: string; actor: { userId: string } };
        tx: string;
      }>;

    it('decides a batch in one transaction, each command with its own cause, correlation and actor; a refusal refuses that command alone', async () => {
      const a = caseIdFor({ kind: 'item', providerPartyId: CSP.partyId, identifier: 'many-1' });
      const b = caseIdFor({ kind: 'report', reportId: 'R-many-1' });
      const item = othersItem({ identifier: 'many-1' });
      const commands: CaseCommand[] = [
        command(a, SYSTEM, { type: 'OpenItemCase', item, accountable: ACME_PARTY }),
        command(b, SUPPLIER, { type: 'OpenReportCase', report: itemReported({ reportId: 'R-many-1' }), accountable: null }),
        command(a, CSP, { type: 'ClaimCase' }),
        command(a, SYSTEM, { type: 'OpenItemCase', item, accountable: ACME_PARTY }),
        command(a, SYSTEM, { type: 'AttachDuplicateHints', flag: { ...duplicateFlagged(), providerPartyId: CSP.partyId, identifier: 'many-1' } }),
      ];
      const outcomes = await writer.executeMany(commands.map((c, i) => ({ command: c, causationId: `cause-${i}` })));

      expect(outcomes.map((o) => (o.kind === 'refused' ? o.error.code : o.kind))).toEqual(['decided', 'decided', 'FORBIDDEN_NOT_VERIFIER', 'CASE_EXISTS', 'decided']);
      const [opened, hinted] = await stored(a);
      expect([opened.event_type, hinted.event_type]).toEqual(['CaseOpened', 'DuplicateHintsAttached']);
      expect(opened.metadata).toMatchObject({ correlationId: commands[0].correlationId, causationId: 'cause-0', actor: { userId: SYSTEM.userId } });
      expect(hinted.metadata).toMatchObject({ correlationId: commands[4].correlationId, causationId: 'cause-4' });
      const [report] = await stored(b);
      expect(report.metadata).toMatchObject({ causationId: 'cause-1', actor: { userId: SUPPLIER.userId } });
      // One transaction for the whole batch, and a row for each case at its stream's version.
      expect(new Set([opened.tx, hinted.tx, report.tx]).size).toBe(1);
      expect(await row(a)).toMatchObject({ version: 2, state: 'queued' });
      expect(((await row(a)).snapshot as Case).hints).toHaveLength(1);
      expect(await row(b)).toMatchObject({ version: 1, accountable_party_id: null });
    });

    it('decides the follow-ups as execute does, against what earlier commands of the batch decided', async () => {
      const itemCase = caseIdFor({ kind: 'item', providerPartyId: CSP.partyId, identifier: 'many-2' });
      const fixCase = caseIdFor({ kind: 'fix', fixId: 'F-many-2' });
      const survivor = caseIdFor({ kind: 'report', reportId: 'R-many-2a' });
      const duplicate = caseIdFor({ kind: 'report', reportId: 'R-many-2b' });
      const verifyIn = (caseId: string): CaseCommand[] => [
        command(caseId, VERIFIER, { type: 'ClaimCase' }),
        command(caseId, VERIFIER, { type: 'VerifyCase', checks: CHECKED, catalogue: CATALOGUE }),
      ];
      const commands: CaseCommand[] = [
        command(itemCase, SYSTEM, { type: 'OpenItemCase', item: othersItem({ identifier: 'many-2', fixAvailable: false, fixInformation: null, statusOfInformation: 'Defect' }), accountable: ACME_PARTY }),
        command(fixCase, SUPPLIER, {
          type: 'OpenFixCase',
          fix: fixProposed({ fixId: 'F-many-2', target: { kind: 'item', providerPartyId: CSP.partyId, identifier: 'many-2' }, make: null, model: null, firmwareVersion: null, deviceType: null }),
          accountable: ACME_PARTY,
          targetItemFound: true,
        }),
        ...verifyIn(fixCase),
        // The fix case's target is not in the `cases` table yet: it comes from its OpenFixCase in this batch.
        command(fixCase, ACME, { type: 'ConfirmFix', confirmed: true, note: 'bench tested' }),
        command(survivor, SUPPLIER, { type: 'OpenReportCase', report: itemReported({ reportId: 'R-many-2a' }), accountable: ACME_PARTY }),
        command(duplicate, SUPPLIER, { type: 'OpenReportCase', report: itemReported({ reportId: 'R-many-2b' }), accountable: ACME_PARTY }),
        command(duplicate, VERIFIER, { type: 'ClaimCase' }),
        command(duplicate, VERIFIER, { type: 'MarkDuplicate', duplicateOf: survivor, reason: 'same defect' }),
      ];
      const outcomes = await writer.executeMany(commands.map((c) => ({ command: c })));

      expect(outcomes.every((o) => o.kind === 'decided')).toBe(true);
      expect(await events(fixCase)).toEqual(['CaseOpened', 'CaseClaimed', 'CaseVerified', 'FixConfirmed', 'FixAccepted']);
      expect(await events(itemCase)).toEqual(['CaseOpened', 'FixAttached']);
      expect(await events(survivor)).toEqual(['CaseOpened', 'SourcesMerged']);
      expect(((await row(survivor)).snapshot as Case).sources.map((s) => s.caseId)).toEqual([survivor, duplicate]);
      expect(await row(fixCase)).toMatchObject({ target_case_id: itemCase, state: 'verified', version: 5 });
    });

    it('refuses a duplicate of a case missing from the batch and the store, keeping the rest of the batch', async () => {
      const kept = caseIdFor({ kind: 'report', reportId: 'R-many-3a' });
      const refused = caseIdFor({ kind: 'report', reportId: 'R-many-3b' });
      const missing = caseIdFor({ kind: 'report', reportId: 'R-many-3-none' });
      const outcomes = await writer.executeMany(
        [
          command(kept, SUPPLIER, { type: 'OpenReportCase', report: itemReported({ reportId: 'R-many-3a' }), accountable: ACME_PARTY }),
          command(refused, SUPPLIER, { type: 'OpenReportCase', report: itemReported({ reportId: 'R-many-3b' }), accountable: ACME_PARTY }),
          command(refused, VERIFIER, { type: 'ClaimCase' }),
          command(refused, VERIFIER, { type: 'MarkDuplicate', duplicateOf: missing, reason: 'same defect' }),
        ].map((c) => ({ command: c })),
      );
      expect(outcomes.map((o) => (o.kind === 'refused' ? o.error.code : o.kind))).toEqual(['decided', 'decided', 'decided', 'CASE_NOT_FOUND']);
      expect(await events(refused)).toEqual(['CaseOpened', 'CaseClaimed']);
      expect(await row(refused)).toMatchObject({ state: 'claimed', version: 2 });
      expect(await events(kept)).toEqual(['CaseOpened']);
    });

    it('changes nothing for an empty batch', async () => {
      await expect(writer.executeMany([])).resolves.toEqual([]);
    });
  });
});
