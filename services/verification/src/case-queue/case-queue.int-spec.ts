import { PartyType } from '@smi/auth';
import { AccountableParty, PossibleDuplicateFlaggedData } from '@smi/contracts';
import { DataSource } from 'typeorm';
import { Actor } from '../case-aggregate';
import { CHECKED, command, duplicateFlagged, fixProposed, itemReported, othersItem, SYSTEM, VERIFIER } from '../case-aggregate/test-support/case-fixtures';
import { caseIdFor, CaseWriter } from '../case-store';
import { startVerificationTestApp, VerificationTestApp } from '../test-support/verification-test-app';
import { visibleCasesWhere } from './case-visibility';

interface Page {
  cases: Array<{ caseId: string; view: string; state: string; openedAt: string } & Record<string, unknown>>;
  nextCursor: string | null;
}

interface Refusal {
  code?: string;
  message?: string;
  details?: { field?: string };
  errors?: Array<{ field: string; reason: string }>;
}

describe('the case queue and who sees what (real PostgreSQL)', () => {
  let verification: VerificationTestApp;
  let writer: CaseWriter;
  let db: DataSource;
  let dcc: string;

  beforeAll(async () => {
    verification = await startVerificationTestApp('case-queue');
    writer = verification.app.get(CaseWriter);
    db = verification.app.get(DataSource);
    // A DCC user without the verifier role reads everything too.
    dcc = await verification.token({ party: 'DCC', partyType: 'dcc', roles: ['reader'] });
  }, 60_000);

  afterAll(async () => {
    await verification?.stop();
  });

  const tokenOf = (actor: Actor) => verification.token({ sub: actor.userId, party: actor.partyId, partyType: actor.partyType as PartyType, roles: [...actor.roles] });
  const party = (partyId: string, partyType: string): Actor => ({ userId: `${partyId.toLowerCase()}-user`, partyId, partyType, roles: [] });
  const run = (caseId: string, actor: Actor, body: Parameters<typeof command>[2]) => writer.execute(command(caseId, actor, body));

  async function list(token: string, query: string): Promise<Page> {
    const response = await verification.call('GET', `/cases?${query}`, token);
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
    return response.body as Page;
  }
  const ids = async (token: string, query: string) => (await list(token, query)).cases.map((c) => c.caseId);

  /** A provider's item about the accountable party's make, queued. */
  async function openItem(provider: Actor, identifier: string, accountable: AccountableParty, overrides: Parameters<typeof othersItem>[0] = {}): Promise<string> {
    const caseId = caseIdFor({ kind: 'item', providerPartyId: provider.partyId, identifier });
    await run(caseId, provider, { type: 'OpenItemCase', item: othersItem({ providerPartyId: provider.partyId, identifier, ...overrides }), accountable });
    return caseId;
  }

  async function openReport(reporter: Actor, reportId: string, accountable: AccountableParty, overrides: Parameters<typeof itemReported>[0] = {}): Promise<string> {
    const caseId = caseIdFor({ kind: 'report', reportId });
    await run(caseId, reporter, { type: 'OpenReportCase', report: itemReported({ reportId, reporterPartyId: reporter.partyId, ...overrides }), accountable });
    return caseId;
  }

  async function verify(caseId: string, canonical = { make: 'Acme Meters', model: 'X1' }) {
    await run(caseId, VERIFIER, { type: 'ClaimCase' });
    await run(caseId, VERIFIER, {
      type: 'VerifyCase',
      checks: CHECKED,
      note: 'internal: matched by the lab',
      catalogue: { makeId: 'make-1', make: canonical.make, manufacturerId: null, modelId: 'model-1', model: canonical.model, smiModelId: null },
    });
  }

  describe('the queue', () => {
    it('lists oldest first, page by page, each case once', async () => {
      const provider = party('CSP-PAGES', 'csp');
      const accountable: AccountableParty = { partyId: 'MFR-PAGES', partyType: 'manufacturer' };
      const opened: string[] = [];
      for (let i = 1; i <= 5; i += 1) opened.push(await openItem(provider, `pages-${i}`, accountable));

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list(dcc, `provider=CSP-PAGES&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.cases.map((c) => c.caseId));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null);
      expect(seen).toEqual(opened);
      expect(pages).toBe(3);
    });

    it('refuses a cursor it did not write, garbled or tampered with, naming the field', async () => {
      await openItem(party('CSP-CURSOR', 'csp'), 'cursor-1', { partyId: 'MFR-CURSOR', partyType: 'manufacturer' });
      await openItem(party('CSP-CURSOR', 'csp'), 'cursor-2', { partyId: 'MFR-CURSOR', partyType: 'manufacturer' });
      const { nextCursor } = await list(dcc, 'provider=CSP-CURSOR&limit=1');
      const [openedAt, caseId] = JSON.parse(Buffer.from(nextCursor!, 'base64url').toString('utf8')) as [string, string];
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
      const bad = [
        'not a cursor',
        'bm90IGpzb24',
        encode([openedAt]),
        encode([openedAt, caseId, 'more']),
        encode([openedAt.replace(/^\d{4}-\d{2}-\d{2}/, '2026-02-30'), caseId]),
        encode(['2026-03-02 10:00:00', caseId]),
        encode([openedAt, `${caseId}'--`]),
        encode([1, 2]),
        encode({ openedAt, caseId }),
        `${nextCursor}=`,
      ];
      for (const cursor of bad) {
        const response = await verification.call('GET', `/cases?cursor=${encodeURIComponent(cursor)}`, dcc);
        expect({ cursor, status: response.status, code: (response.body as Refusal).code, field: (response.body as Refusal).details?.field }).toEqual({
          cursor,
          status: 400,
          code: 'INVALID_CURSOR',
          field: 'cursor',
        });
      }
      const tooLong = await verification.call('GET', `/cases?cursor=${'A'.repeat(201)}`, dcc);
      expect(tooLong.status).toBe(400);
      expect((tooLong.body as Refusal).errors?.map((e) => e.field)).toEqual(['cursor']);
    });

    it('refuses every parameter that is not what it says with a 400 naming it', async () => {
      const cases: Array<[string, string]> = [
        ['state=open', 'state'],
        ['kind=items', 'kind'],
        ['deviceType=esme', 'deviceType'],
        ['make=', 'make'],
        ['model=%20%20', 'model'],
        ['firmwareVersion=' + 'A'.repeat(101), 'firmwareVersion'],
        ['provider=not%20a%20party', 'provider'],
        ['waitingOn=', 'waitingOn'],
        ['assignee=', 'assignee'],
        ['olderThanDays=-1', 'olderThanDays'],
        ['olderThanDays=1e3', 'olderThanDays'],
        ['olderThanDays=3651', 'olderThanDays'],
        ['olderThanDays=2.5', 'olderThanDays'],
        ['limit=0', 'limit'],
        ['limit=501', 'limit'],
        ['state=queued&state=claimed', 'state'],
        ['sort=newest', 'sort'],
      ];
      for (const [query, field] of cases) {
        const response = await verification.call('GET', `/cases?${query}`, dcc);
        const fields = [...new Set((response.body as Refusal).errors?.map((e) => e.field))];
        expect({ query, status: response.status, fields }).toEqual({ query, status: 400, fields: [field] });
      }
      const path = await verification.call('GET', '/cases/not-a-uuid', dcc);
      expect({ status: path.status, fields: (path.body as Refusal).errors?.map((e) => e.field) }).toEqual({ status: 400, fields: ['caseId'] });
      expect((await verification.call('GET', '/cases')).status).toBe(401);
    });

    it('filters by state, kind, make and model as spelled or as verified, firmware, device type, provider, assignee and the party waited on', async () => {
      const accountable: AccountableParty = { partyId: 'MFR-FILTER', partyType: 'manufacturer' };
      const csp = party('CSP-FILTER', 'csp');
      const supplier = party('SUP-FILTER', 'supplier');
      const item = await openItem(csp, 'filter-1', accountable, { make: 'Filter  Co', model: 'FX-1', firmwareVersion: '0A0B0C0D', deviceType: 'ESME' });
      await verify(item, { make: 'Canonical Filterco', model: 'CF 1' });
      const report = await openReport(supplier, 'R-filter-1', accountable, { make: 'filter co', model: 'fx-2', firmwareVersion: '11112222', deviceType: 'GSME' });
      await run(report, VERIFIER, { type: 'ClaimCase' });
      const fixCaseId = caseIdFor({ kind: 'fix', fixId: 'F-filter-1' });
      await run(fixCaseId, supplier, {
        type: 'OpenFixCase',
        fix: fixProposed({ fixId: 'F-filter-1', proposerPartyId: supplier.partyId, make: 'Other Make', model: 'FX-1', firmwareVersion: '0a0b0c0d', deviceType: 'ESME' }),
        accountable,
        targetItemFound: true,
      });
      const scoped = (query: string) => ids(dcc, `${query}&limit=500`).then((found) => found.filter((id) => [item, report, fixCaseId].includes(id)));

      expect(await scoped('make=%20FILTER%20%20%20co%20')).toEqual([item, report]);
      expect(await scoped('make=canonical%20FILTERCO')).toEqual([item]);
      expect(await scoped('model=cf%201')).toEqual([item]);
      expect(await scoped('model=fx-1')).toEqual([item, fixCaseId]);
      expect(await scoped('state=awaiting-agreement')).toEqual([item]);
      expect(await scoped('state=claimed')).toEqual([report]);
      expect(await scoped('kind=report')).toEqual([report]);
      expect(await scoped('kind=fix')).toEqual([fixCaseId]);
      expect(await scoped('firmwareVersion=0a0b0c0d')).toEqual([item, fixCaseId]);
      expect(await scoped('deviceType=GSME')).toEqual([report]);
      expect(await ids(dcc, 'provider=SUP-FILTER')).toEqual([report, fixCaseId]);
      expect(await scoped(`assignee=${VERIFIER.userId}`)).toEqual([report]);
      expect(await ids(dcc, 'waitingOn=MFR-FILTER')).toEqual([item]);
      expect(await ids(dcc, 'provider=SUP-FILTER&kind=report&state=claimed&make=filter%20co&deviceType=GSME')).toEqual([report]);
      expect(await ids(dcc, 'provider=SUP-FILTER&kind=report&state=queued')).toEqual([]);
    });

    it('counts older than N days from when the case entered its state, in whole London calendar days', async () => {
      const csp = party('CSP-AGE', 'csp');
      const accountable: AccountableParty = { partyId: 'MFR-AGE', partyType: 'manufacturer' };
      const [justInside, justOutside, today] = [await openItem(csp, 'age-1', accountable), await openItem(csp, 'age-2', accountable), await openItem(csp, 'age-3', accountable)];
      const startOfDayAgo = `(((now() AT TIME ZONE 'Europe/London')::date - 3)::timestamp AT TIME ZONE 'Europe/London')`;
      await db.query(`UPDATE cases SET state_since = ${startOfDayAgo} + interval '1 minute' WHERE case_id = $1`, [justInside]);
      await db.query(`UPDATE cases SET state_since = ${startOfDayAgo} - interval '1 minute' WHERE case_id = $1`, [justOutside]);

      expect(await ids(dcc, 'provider=CSP-AGE&olderThanDays=3')).toEqual([justOutside]);
      expect(await ids(dcc, 'provider=CSP-AGE&olderThanDays=2')).toEqual([justInside, justOutside]);
      expect(await ids(dcc, 'provider=CSP-AGE&olderThanDays=0')).toEqual([justInside, justOutside]);
      expect(await ids(dcc, 'provider=CSP-AGE')).toEqual([justInside, justOutside, today]);
    });
  });

  describe('who sees what', () => {
    const acme = party('MFR-VIS', 'manufacturer');
    const otherMaker = party('MFR-VIS-OTHER', 'manufacturer');
    const csp = party('CSP-VIS', 'csp');
    const otherCsp = party('CSP-VIS-OTHER', 'csp');
    const reporter = party('SUP-VIS', 'supplier');
    const otherSupplier = party('SUP-VIS-OTHER', 'supplier');
    const accountable: AccountableParty = { partyId: acme.partyId, partyType: 'manufacturer' };
    const hinted = 'CSP-VIS-HINTED';
    const flag = (): PossibleDuplicateFlaggedData => ({ ...duplicateFlagged(), matches: [{ providerPartyId: hinted, identifier: '99' }] });

    let awaitingAgreement: string;
    let unverified: string;
    let reported: string;
    let all: string[];

    beforeAll(async () => {
      awaitingAgreement = await openItem(csp, 'vis-1', accountable, { make: 'Vis Meters' });
      await run(awaitingAgreement, SYSTEM, { type: 'AttachDuplicateHints', flag: flag() });
      await run(awaitingAgreement, VERIFIER, { type: 'ClaimCase' });
      await run(awaitingAgreement, VERIFIER, { type: 'RequestInformation', question: 'Which boards?' });
      await run(awaitingAgreement, csp, { type: 'ProvideInformation', answer: 'Revision B' });
      await verify(awaitingAgreement, { make: 'Vis Meters', model: 'V1' });
      unverified = await openItem(csp, 'vis-2', accountable, { make: 'Vis Meters', fixInformation: 'unverified words' });
      reported = await openReport(reporter, 'R-vis-1', accountable, { make: 'Vis Meters', description: 'Reboots when the hub restarts' });
      await run(reported, SYSTEM, { type: 'AttachDuplicateHints', flag: flag() });
      all = [awaitingAgreement, unverified, reported];
    });

    /** What a caller gets of each case: the list (scoped to this test's cases) and GET /cases/{id}, as JSON. */
    async function seenBy(actor: Actor) {
      const token = await tokenOf(actor);
      const listed = (await list(token, 'limit=500')).cases.filter((c) => all.includes(c.caseId));
      const got = new Map<string, { status: number; body: unknown }>();
      for (const caseId of all) got.set(caseId, await verification.call('GET', `/cases/${caseId}`, token));
      return { token, listed, got };
    }

    const visible = (got: Map<string, { status: number }>) => [...got].filter(([, r]) => r.status === 200).map(([id]) => id);

    it('lists exactly the cases a caller may open, for every kind of caller: the SQL rule and the per-case rule agree', async () => {
      const expected: Array<[Actor, string[]]> = [
        [party('DCC', 'dcc'), all],
        [csp, [awaitingAgreement, unverified]],
        [reporter, [reported]],
        [acme, [awaitingAgreement]],
        [otherMaker, []],
        [otherCsp, []],
        [otherSupplier, []],
        [party('SECAS', 'secas'), []],
      ];
      for (const [actor, cases] of expected) {
        const { listed, got } = await seenBy(actor);
        // The list's SQL condition on its own, as the queue applies it before the per-case projection.
        const params: unknown[] = [all];
        const where = visibleCasesWhere(actor, (value) => `$${params.push(value)}`);
        const selected: Array<{ case_id: string }> = await db.query(`SELECT case_id FROM cases WHERE case_id = ANY($1::uuid[]) AND ${where} ORDER BY opened_at, case_id`, params);
        expect({ who: actor.partyId, listed: listed.map((c) => c.caseId), opened: visible(got), selected: selected.map((r) => r.case_id) }).toEqual({
          who: actor.partyId,
          listed: cases,
          opened: cases,
          selected: cases,
        });
      }
    });

    it('answers another party exactly as for a case that does not exist: 404, and an empty list', async () => {
      const token = await tokenOf(otherSupplier);
      const hidden = await verification.call('GET', `/cases/${reported}`, token);
      const never = caseIdFor({ kind: 'report', reportId: 'R-never' });
      const missing = await verification.call('GET', `/cases/${never}`, token);
      // The same answer but for the id it names.
      expect({ status: hidden.status, body: hidden.body }).toEqual({
        status: missing.status,
        body: JSON.parse(JSON.stringify(missing.body).replaceAll(never, reported)),
      });
      expect(hidden.body).toMatchObject({ statusCode: 404, code: 'CASE_NOT_FOUND', details: { caseId: reported } });
      expect(JSON.stringify(hidden.body)).not.toContain('Reboots');
      expect((await list(token, 'provider=SUP-VIS-OTHER')).cases).toEqual([]);
    });

    it('shows a reporter its report’s case and history, never the hints', async () => {
      const { got } = await seenBy(reporter);
      const body = got.get(reported)!.body as { view: string; subject: Record<string, unknown>; history: Array<{ type: string }> };
      expect(body).toMatchObject({ view: 'provider', state: 'queued', subject: { kind: 'report', reporterPartyId: reporter.partyId, description: 'Reboots when the hub restarts' } });
      expect(body.history.map((e) => e.type)).toEqual(['CaseOpened']);
      const json = JSON.stringify(body);
      for (const text of [hinted, 'hints', acme.partyId, 'DuplicateHintsAttached']) expect(json).not.toContain(text);
    });

    it('shows the provider its question and answer and its content as verified, never the verifier, the note, the hints or the manufacturer', async () => {
      const { listed, got } = await seenBy(csp);
      const body = got.get(awaitingAgreement)!.body as { history: Array<{ type: string; data: unknown }> };
      expect(body).toMatchObject({ view: 'provider', state: 'awaiting-agreement', verified: { canonical: { make: 'Vis Meters', model: 'V1' } } });
      expect(body.history.map((e) => e.type)).toEqual(['CaseOpened', 'CaseClaimed', 'InformationRequested', 'InformationProvided', 'CaseClaimed', 'CaseVerified', 'ItemVerified']);
      expect(body.history[2].data).toEqual({ question: 'Which boards?' });
      expect(body.history[3].data).toEqual({ answer: 'Revision B' });
      for (const json of [JSON.stringify(body), JSON.stringify(listed)]) {
        for (const text of [hinted, VERIFIER.userId, 'internal: matched by the lab', acme.partyId, 'assignee', 'checks']) expect(json).not.toContain(text);
      }
    });

    it('shows the manufacturer the case waiting for its agreement, as verified, and not the unverified one about its make', async () => {
      const { listed, got } = await seenBy(acme);
      expect(got.get(unverified)!.status).toBe(404);
      const body = got.get(awaitingAgreement)!.body as Record<string, unknown>;
      expect(body).toMatchObject({
        view: 'accountable-party',
        state: 'awaiting-agreement',
        verified: { content: { kind: 'item', make: 'Vis Meters', fixInformation: 'Upgrade to 38040405' }, canonical: { make: 'Vis Meters', model: 'V1' } },
        asked: { waitingFor: 'agreement', overdue: false },
        history: [{ type: 'CaseVerified', actor: { userId: null, partyId: null, partyType: 'dcc', roles: null }, correlationId: null }],
      });
      const { history: _history, ...view } = body;
      expect(listed).toEqual([view]);
      for (const json of [JSON.stringify(body), JSON.stringify(listed)]) {
        for (const text of [csp.partyId, hinted, VERIFIER.userId, 'internal: matched by the lab', 'Which boards?', 'Revision B', 'unverified words', 'identifier', 'submissionId']) {
          expect(json).not.toContain(text);
        }
      }

      // Once it has agreed, the case waits on it for the fix in the CSP's row: its own agreement is on the record.
      await run(awaitingAgreement, acme, { type: 'AgreeInclusion', note: 'agreed by our QA' });
      const after = await verification.call('GET', `/cases/${awaitingAgreement}`, await tokenOf(acme));
      expect(after.body).toMatchObject({
        state: 'verified',
        asked: { waitingFor: 'confirmation', fix: { fixInformation: 'Upgrade to 38040405' } },
        history: [{ type: 'CaseVerified' }, { type: 'InclusionAgreed', actor: { partyId: acme.partyId, userId: acme.userId }, correlationId: expect.any(String), data: { note: 'agreed by our QA' } }],
      });
      // …which the provider sees only as a change of state.
      const provider = await verification.call('GET', `/cases/${awaitingAgreement}`, await tokenOf(csp));
      expect(JSON.stringify(provider.body)).not.toContain('agreed by our QA');
    });

    it('shows DCC everything, with the history as recorded: actor, correlation id and data', async () => {
      const body = (await verification.call('GET', `/cases/${reported}`, dcc)).body as {
        view: string;
        hints: unknown[];
        history: Array<{ type: string; actor: Actor; correlationId: string; data: Record<string, unknown> }>;
      };
      expect(body).toMatchObject({ view: 'dcc', provider: reporter.partyId, accountable, hints: [{ providerPartyId: hinted, identifier: '99' }] });
      const events: Array<{ event_type: string; data: { correlationId: string } }> = await db.query(
        `SELECT event_type, data FROM events WHERE stream_id = $1 ORDER BY stream_version`,
        [`case-${reported}`],
      );
      expect(body.history.map((e) => [e.type, e.correlationId])).toEqual(events.map((e) => [e.event_type, e.data.correlationId]));
      expect(body.history[1]).toMatchObject({ type: 'DuplicateHintsAttached', actor: { partyId: 'DCC', userId: SYSTEM.userId }, data: { matches: [{ providerPartyId: hinted }] } });
    });

    it('lets only DCC filter by verifier, and others name only themselves as provider or party waited on (403)', async () => {
      const token = await tokenOf(csp);
      for (const [query, field] of [
        [`assignee=${VERIFIER.userId}`, 'assignee'],
        ['provider=SUP-VIS', 'provider'],
        ['waitingOn=MFR-VIS', 'waitingOn'],
      ] as const) {
        const response = await verification.call('GET', `/cases?${query}`, token);
        expect({ query, status: response.status, code: (response.body as Refusal).code, field: (response.body as Refusal).details?.field }).toEqual({
          query,
          status: 403,
          code: 'FORBIDDEN_FILTER',
          field,
        });
      }
      expect((await list(token, 'provider=CSP-VIS')).cases.map((c) => c.caseId)).toEqual([awaitingAgreement, unverified]);
      expect((await list(await tokenOf(acme), 'waitingOn=MFR-VIS')).cases.map((c) => c.caseId)).toEqual([awaitingAgreement]);
    });
  });
});
