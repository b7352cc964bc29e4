import { PostgresEventStore, ANY } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { waitFor } from '@smi/testing';
import { DataSource } from 'typeorm';
import {
  ACME,
  ACME_PARTY,
  CATALOGUE,
  CHECKED,
  CSP,
  command,
  fixProposed,
  itemReported,
  itemSubmitted,
  othersItem,
  SUPPLIER,
  SYSTEM,
  VERIFIER,
  VERIFIER_2,
} from '../case-aggregate/test-support/case-fixtures';
import { caseIdFor, caseStreamId, CaseWriter } from '../case-store';
import { AdjustableClock } from '../test-support/adjustable-clock';
import { startVerificationTestApp, VerificationTestApp } from '../test-support/verification-test-app';
import { CaseStatsView } from './case-stats.dto';

interface ProjectionStatus {
  projection: string;
  activeTable: string;
  lag: number;
  lastError?: string;
}

/**
 * The DCC dashboard on the real service: cases written through CaseWriter, the case_stats projection run by the
 * platform's runner, read through GET /cases/stats. The clock is injected: ages count working days (Easter 2026
 * skipped) to the day the stats are read.
 */
describe('GET /cases/stats: the DCC dashboard from an async, rebuildable projection (PostgreSQL, injected clock)', () => {
  // Tuesday 21 April 2026, 10:00 BST.
  const clock = new AdjustableClock('2026-04-21T09:00:00Z');
  let verification: VerificationTestApp;
  let writer: CaseWriter;
  let dcc: string;
  let operator: string;

  beforeAll(async () => {
    // The chase schedule would also write to the cases; here it only sweeps at start-up, on an empty database.
    verification = await startVerificationTestApp('dashboard', { clock, env: { VERIFICATION_CHASE_CHECK_INTERVAL_MS: '86400000' } });
    writer = verification.app.get(CaseWriter);
    dcc = await verification.token({ party: 'DCC', partyType: 'dcc', roles: ['reader'] });
    operator = await verification.token({ party: 'DCC', partyType: 'dcc', roles: ['operator'] });
  }, 60_000);

  afterAll(async () => {
    await verification?.stop();
  });

  const run = (caseId: string, actor: typeof VERIFIER, body: Parameters<typeof command>[2], at: string) => writer.execute(command(caseId, actor, body, at));

  async function stats(): Promise<CaseStatsView> {
    const response = await verification.call('GET', '/cases/stats', dcc);
    expect(response.status).toBe(200);
    return response.body as CaseStatsView;
  }

  /** Polls the runner's own status until it has applied every case event, and fails on an error it reports. */
  async function caughtUp(): Promise<CaseStatsView> {
    const status = await waitFor(async () => {
      const all = (await verification.call('GET', '/ops/projections', dcc)).body as ProjectionStatus[];
      const found = all.find((s) => s.projection === 'case_stats');
      return found !== undefined && (found.lag === 0 || found.lastError !== undefined) ? found : undefined;
    }, 30_000, 'the case_stats projection to catch up');
    expect(status.lastError).toBeUndefined();
    return stats();
  }

  async function othersCase(identifier: string, at: string): Promise<string> {
    const caseId = caseIdFor({ kind: 'item', providerPartyId: CSP.partyId, identifier });
    await run(caseId, SYSTEM, { type: 'OpenItemCase', item: othersItem({ identifier }), accountable: ACME_PARTY }, at);
    return caseId;
  }

  async function verified(caseId: string, at: string): Promise<void> {
    await run(caseId, VERIFIER, { type: 'ClaimCase' }, at);
    await run(caseId, VERIFIER, { type: 'VerifyCase', checks: CHECKED, catalogue: CATALOGUE }, at);
  }

  const zeroStates = { queued: 0, claimed: 0, 'awaiting-information': 0, 'awaiting-agreement': 0, disputed: 0, verified: 0, rejected: 0, duplicate: 0, withdrawn: 0, 'closed-not-included': 0 };
  const ids = { oldestWait: '' };
  let beforeRebuild: CaseStatsView;

  it('is for DCC only: any DCC user reads it, other parties are refused 403, no token 401', async () => {
    expect((await verification.call('GET', '/cases/stats', dcc)).status).toBe(200);
    for (const claims of [{ party: ACME.partyId, partyType: 'manufacturer' }, { party: SUPPLIER.partyId, partyType: 'supplier' }, { party: CSP.partyId, partyType: 'csp' }] as const) {
      const response = await verification.call('GET', '/cases/stats', await verification.token(claims));
      expect(response.status).toBe(403);
    }
    expect((await verification.call('GET', '/cases/stats')).status).toBe(401);
  });

  it('counts by state and kind, open cases by working days in their state, the oldest wait, verifiers and parties waited on', async () => {
    // Queued since Tuesday 14 April: 5 working days.
    await run(caseIdFor({ kind: 'fix', fixId: 'F-stats-1' }), SUPPLIER, { type: 'OpenFixCase', fix: fixProposed({ fixId: 'F-stats-1' }), accountable: ACME_PARTY, targetItemFound: true }, '2026-04-14T09:00:00.000Z');
    // Opened 2 March, but claimed on Monday 13 April: 6 working days in its state.
    const report = caseIdFor({ kind: 'report', reportId: 'R-stats-2' });
    await run(report, SUPPLIER, { type: 'OpenReportCase', report: itemReported({ reportId: 'R-stats-2' }), accountable: ACME_PARTY }, '2026-03-02T10:00:00.000Z');
    await run(report, VERIFIER, { type: 'ClaimCase' }, '2026-04-13T09:00:00.000Z');
    // Waiting on ACME's agreement since Friday 27 March: 15 working days, Good Friday and Easter Monday skipped.
    await verified(await othersCase('stats-3', '2026-03-27T09:00:00.000Z'), '2026-03-27T09:00:00.000Z');
    // Since Thursday 26 March: 16 working days, and recorded overdue by chasing.
    ids.oldestWait = await othersCase('stats-4', '2026-03-26T10:00:00.000Z');
    await verified(ids.oldestWait, '2026-03-26T10:00:00.000Z');
    await run(ids.oldestWait, SYSTEM, { type: 'MarkResponseOverdue', today: '2026-04-21', waitingSince: '2026-03-26T10:00:00.000Z', overdueFrom: '2026-04-21' }, '2026-04-20T23:00:00.000Z');
    // Waiting on the supplier for information since yesterday.
    const asked = caseIdFor({ kind: 'report', reportId: 'R-stats-5' });
    await run(asked, SUPPLIER, { type: 'OpenReportCase', report: itemReported({ reportId: 'R-stats-5' }), accountable: ACME_PARTY }, '2026-04-20T08:00:00.000Z');
    await run(asked, VERIFIER_2, { type: 'ClaimCase' }, '2026-04-20T08:00:00.000Z');
    await run(asked, VERIFIER_2, { type: 'RequestInformation', question: 'Which site?' }, '2026-04-20T09:00:00.000Z');
    // Claimed this morning, one by each verifier.
    await run(await othersCase('stats-6', '2026-04-21T07:00:00.000Z'), VERIFIER, { type: 'ClaimCase' }, '2026-04-21T08:00:00.000Z');
    await run(await othersCase('stats-7', '2026-04-21T07:00:00.000Z'), VERIFIER_2, { type: 'ClaimCase' }, '2026-04-21T08:00:00.000Z');
    // Done with: rejected, and ACME's own item verified (its own fix, nothing to wait for). Neither is aged.
    const rejected = await othersCase('stats-8', '2026-03-02T10:00:00.000Z');
    await run(rejected, VERIFIER, { type: 'ClaimCase' }, '2026-03-02T10:00:00.000Z');
    await run(rejected, VERIFIER, { type: 'RejectCase', reason: 'not a defect' }, '2026-03-02T10:00:00.000Z');
    const own = caseIdFor({ kind: 'item', providerPartyId: ACME.partyId, identifier: 'stats-9' });
    await run(own, SYSTEM, { type: 'OpenItemCase', item: itemSubmitted({ identifier: 'stats-9' }), accountable: ACME_PARTY }, '2026-03-02T10:00:00.000Z');
    await verified(own, '2026-03-02T10:00:00.000Z');

    expect(await caughtUp()).toEqual({
      asOf: '2026-04-21',
      total: 9,
      byState: { ...zeroStates, queued: 1, claimed: 3, 'awaiting-information': 1, 'awaiting-agreement': 2, verified: 1, rejected: 1 },
      byKind: { item: 6, report: 2, fix: 1 },
      byStateAndKind: expect.objectContaining({
        queued: { item: 0, report: 0, fix: 1 },
        claimed: { item: 2, report: 1, fix: 0 },
        'awaiting-information': { item: 0, report: 1, fix: 0 },
        'awaiting-agreement': { item: 2, report: 0, fix: 0 },
        verified: { item: 1, report: 0, fix: 0 },
        disputed: { item: 0, report: 0, fix: 0 },
      }),
      byAge: [
        { workingDays: '0-5', cases: 4 },
        { workingDays: '6-15', cases: 2 },
        { workingDays: '16+', cases: 1 },
      ],
      oldestWaiting: {
        caseId: ids.oldestWait,
        caseKind: 'item',
        state: 'awaiting-agreement',
        waitingOn: ACME.partyId,
        waitingFor: 'agreement',
        since: '2026-03-26T10:00:00.000Z',
        workingDays: 16,
        overdue: true,
      },
      perVerifier: [
        { assignee: VERIFIER.userId, claimed: 2 },
        { assignee: VERIFIER_2.userId, claimed: 1 },
      ],
      perPartyWaitedOn: [
        { partyId: ACME.partyId, waiting: 2, overdue: 1 },
        { partyId: SUPPLIER.partyId, waiting: 1, overdue: 0 },
      ],
    });
  });

  it('ages cases as the days pass, with no event: the 5th working day becomes the 6th, the 15th the 16th', async () => {
    clock.set('2026-04-22T09:00:00Z');
    const later = await stats();
    expect(later).toMatchObject({
      asOf: '2026-04-22',
      total: 9,
      byAge: [
        { workingDays: '0-5', cases: 3 },
        { workingDays: '6-15', cases: 2 },
        { workingDays: '16+', cases: 2 },
      ],
      oldestWaiting: { caseId: ids.oldestWait, workingDays: 17 },
    });
  });

  it('skips case events it cannot apply and keeps counting the ones after them', async () => {
    const store = verification.app.get<PostgresEventStore>(EVENT_STORE, { strict: false });
    const db = verification.app.get(DataSource);
    const [opened]: Array<{ data: Record<string, unknown> }> = await db.query(`SELECT data FROM events WHERE stream_id = $1 AND event_type = 'CaseOpened'`, [
      caseStreamId(ids.oldestWait),
    ]);
    const stray = (n: number) => `case-00000000-0000-8000-8000-00000000000${n}`;
    const meta = { correlationId: 'dashboard-bad-events' };
    // An event for a case never opened; an opening with nothing in it; an opening of a kind of case that does not exist.
    await store.append(stray(1), [{ type: 'CaseClaimed', data: { caseId: stray(1).slice(5), assignee: 'x', at: '2026-04-22T08:00:00.000Z' } }], ANY, meta);
    await store.append(stray(2), [{ type: 'CaseOpened', data: { at: 'yesterday' } }], ANY, meta);
    await store.append(stray(3), [{ type: 'CaseOpened', data: { ...opened.data, caseId: stray(3).slice(5), caseKind: 'gadget' } }], ANY, meta);
    await othersCase('stats-10', '2026-04-22T08:00:00.000Z');

    const after = await caughtUp();
    expect(after).toMatchObject({ total: 10, byState: { queued: 2 }, byKind: { item: 7, report: 2, fix: 1 } });
    beforeRebuild = after;
  });

  it('gives the same answer after a rebuild from the first event, through /ops/projections', async () => {
    const started = await verification.call('POST', '/ops/projections/case_stats/rebuild', operator);
    expect(started).toMatchObject({ status: 202, body: { rebuilding: 'case_stats_v2' } });
    await waitFor(async () => {
      const progress = (await verification.call('GET', '/ops/projections/case_stats/rebuild', dcc)).body as { rebuilding: boolean; table: string };
      return !progress.rebuilding && progress.table === 'case_stats_v2' ? progress : undefined;
    }, 30_000, 'the rebuild of case_stats to switch to its new table');
    expect(await caughtUp()).toEqual(beforeRebuild);
    expect((await verification.call('POST', '/ops/projections/case_stats/rebuild', dcc)).status).toBe(403);
  });
});
