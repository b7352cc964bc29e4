import { waitFor } from '@smi/testing';
import { DataSource } from 'typeorm';
import { ACME, ACME_PARTY, CATALOGUE, CHECKED, CSP, command, itemReported, othersItem, SUPPLIER, SYSTEM, VERIFIER } from '../case-aggregate/test-support/case-fixtures';
import { caseIdFor, caseStreamId, CaseWriter } from '../case-store';
import { AdjustableClock } from '../test-support/adjustable-clock';
import { startVerificationTestApp, VerificationTestApp } from '../test-support/verification-test-app';
import { ChaseScheduler } from './chase.scheduler';
import { CHASING_SYSTEM_ACTOR, OverdueWaits } from './overdue-waits';

interface StoredEvent {
  event_type: string;
  data: Record<string, unknown>;
  metadata: { correlationId: string; actor: { userId: string } };
}

/**
 * Chasing on the real service (PostgreSQL, the case writer, the scheduler running every 200 ms) with the clock
 * injected, walking waits across Easter 2026 and the May bank holidays with the default of 15 working days:
 * the start day does not count, the 15th working day after it is the last in time, overdue from 00:00 London
 * time on the 16th.
 */
describe('chasing: waits on a manufacturer or CSP become overdue once, after 15 working days (PostgreSQL, injected clock)', () => {
  const clock = new AdjustableClock('2026-03-26T09:00:00Z');
  let verification: VerificationTestApp;
  let writer: CaseWriter;
  let db: DataSource;
  let scheduler: ChaseScheduler;

  beforeAll(async () => {
    verification = await startVerificationTestApp('chasing', { clock, env: { VERIFICATION_CHASE_CHECK_INTERVAL_MS: '200' } });
    writer = verification.app.get(CaseWriter);
    db = verification.app.get(DataSource);
    scheduler = verification.app.get(ChaseScheduler);
  }, 60_000);

  afterAll(async () => {
    await verification?.stop();
  });

  const events = async (caseId: string): Promise<StoredEvent[]> =>
    db.query(`SELECT event_type, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`, [caseStreamId(caseId)]);
  const overdueEvents = async (caseId: string) => (await events(caseId)).filter((e) => e.event_type === 'PartyResponseOverdue');
  const row = async (caseId: string) => (await db.query(`SELECT * FROM cases WHERE case_id = $1`, [caseId]))[0];

  /** Two sweeps one after the other: the second starts after the clock was set, whatever the schedule was doing. */
  async function sweepTwice(): Promise<void> {
    await scheduler.checkNow();
    await scheduler.checkNow();
  }

  /** Another provider's item about ACME's make, verified at `at`: it then waits on ACME's agreement from `at`. */
  async function awaitingAgreement(identifier: string, at: string, withFix = true): Promise<string> {
    const caseId = caseIdFor({ kind: 'item', providerPartyId: CSP.partyId, identifier });
    const item = withFix ? othersItem({ identifier }) : othersItem({ identifier, fixAvailable: false, fixInformation: null, statusOfInformation: 'Defect' });
    await writer.execute(command(caseId, SYSTEM, { type: 'OpenItemCase', item, accountable: ACME_PARTY }, at));
    await writer.execute(command(caseId, VERIFIER, { type: 'ClaimCase' }, at));
    await writer.execute(command(caseId, VERIFIER, { type: 'VerifyCase', checks: CHECKED, catalogue: CATALOGUE }, at));
    expect(await row(caseId)).toMatchObject({ state: 'awaiting-agreement', waiting_on: ACME.partyId, wait_chased: true, wait_overdue: false });
    return caseId;
  }

  // Thursday 26 March 2026 (GMT): working days 1-5 are 27, 30, 31 March, 1, 2 April; Good Friday 3 and Easter
  // Monday 6 April are skipped; 6-14 are 7-10, 13-17 April; the 15th is Monday 20 April; overdue from Tuesday 21.
  const EASTER_WAIT = '2026-03-26T10:00:00.000Z';
  const ids = { easter: '', answered: '', replaced: '', supplier: '', londonDay: '' };

  it('opens the waits: on ACME for agreement, and on a supplier for information', async () => {
    ids.easter = await awaitingAgreement('chase-easter', EASTER_WAIT);
    ids.answered = await awaitingAgreement('chase-answered', EASTER_WAIT, false);
    ids.replaced = await awaitingAgreement('chase-replaced', EASTER_WAIT);
    // 00:30 BST on Wednesday 1 April: the wait starts on 1 April in London, though still 31 March in UTC.
    ids.londonDay = await awaitingAgreement('chase-london-day', '2026-03-31T23:30:00.000Z');

    ids.supplier = caseIdFor({ kind: 'report', reportId: 'R-chase-1' });
    await writer.execute(command(ids.supplier, SUPPLIER, { type: 'OpenReportCase', report: itemReported({ reportId: 'R-chase-1' }), accountable: ACME_PARTY }, EASTER_WAIT));
    await writer.execute(command(ids.supplier, VERIFIER, { type: 'ClaimCase' }, EASTER_WAIT));
    await writer.execute(command(ids.supplier, VERIFIER, { type: 'RequestInformation', question: 'Which site?' }, EASTER_WAIT));
    expect(await row(ids.supplier)).toMatchObject({ waiting_on: SUPPLIER.partyId, waiting_for: 'information', wait_chased: false });
  });

  it('is not overdue after 14 working days (Friday 17 April), nor over the weekend, nor at 23:59 London time on the 15th', async () => {
    for (const now of ['2026-04-17T12:00:00Z', '2026-04-19T12:00:00Z', '2026-04-20T22:59:59Z']) {
      clock.set(now);
      await sweepTwice();
      expect(await overdueEvents(ids.easter)).toEqual([]);
    }
    // Meanwhile ACME answers one case, and agrees to another, which then waits on its fix confirmation from now.
    await writer.execute(command(ids.answered, ACME, { type: 'AgreeInclusion' }, '2026-04-20T09:00:00.000Z'));
    await writer.execute(command(ids.replaced, ACME, { type: 'AgreeInclusion' }, '2026-04-20T09:00:00.000Z'));
    expect(await row(ids.answered)).toMatchObject({ state: 'verified', waiting_on: null });
    expect(await row(ids.replaced)).toMatchObject({ state: 'verified', waiting_on: ACME.partyId, waiting_for: 'confirmation', wait_overdue: false });
  });

  it('is overdue from 00:00 London time on the 16th working day, found by the schedule and recorded once by the system', async () => {
    clock.set('2026-04-20T23:00:00Z'); // 00:00 BST on Tuesday 21 April
    const [overdue] = await waitFor(async () => {
      const found = await overdueEvents(ids.easter);
      return found.length > 0 ? found : undefined;
    }, 30_000, 'the schedule to mark the wait overdue');
    expect(overdue.data).toMatchObject({
      caseId: ids.easter,
      waitingOn: ACME.partyId,
      waitingFor: 'agreement',
      waitingSince: EASTER_WAIT,
      overdueFrom: '2026-04-21',
      actor: { userId: CHASING_SYSTEM_ACTOR.userId },
    });
    expect(overdue.metadata.correlationId).toMatch(/^chase:/);
    expect(await row(ids.easter)).toMatchObject({ state: 'awaiting-agreement', wait_overdue: true });

    await sweepTwice();
    expect(await overdueEvents(ids.easter)).toHaveLength(1);
    // Answered meanwhile: nothing to chase; its wait replaced by a new one: counted from the new wait's start.
    expect(await overdueEvents(ids.answered)).toEqual([]);
    expect(await overdueEvents(ids.replaced)).toEqual([]);
    // A supplier asked for information is never chased.
    expect(await overdueEvents(ids.supplier)).toEqual([]);
  });

  it('counts from the London day a wait started, not the UTC one', async () => {
    // From 1 April: 2, 7-10, 13-17, 20-24 April; the 15th is Friday 24 April. From 31 March it would be 23 April.
    clock.set('2026-04-24T12:00:00Z');
    await sweepTwice();
    expect(await overdueEvents(ids.londonDay)).toEqual([]);
    clock.set('2026-04-26T12:00:00Z'); // Sunday: still in time
    await sweepTwice();
    expect(await overdueEvents(ids.londonDay)).toEqual([]);
    clock.set('2026-04-26T23:00:00Z'); // 00:00 BST on Monday 27 April
    await sweepTwice();
    expect((await overdueEvents(ids.londonDay)).map((e) => e.data.overdueFrom)).toEqual(['2026-04-27']);
  });

  it('marks a wait once when several sweeps run at the same moment, even without the lock', async () => {
    // Friday 1 May 2026: 4 May and 25 May are bank holidays; the 15th working day is Tuesday 26 May.
    const caseId = await awaitingAgreement('chase-race', '2026-05-01T09:00:00.000Z');
    const overdueDay = new Date('2026-05-27T08:00:00Z');
    const overdueWaits = verification.app.get(OverdueWaits);
    expect(await overdueWaits.markOverdue(new Date('2026-05-26T20:00:00Z'))).not.toContain(caseId);
    const results = await Promise.all([overdueWaits.markOverdue(overdueDay), overdueWaits.markOverdue(overdueDay), overdueWaits.markOverdue(overdueDay)]);
    expect(results.flat().filter((id) => id === caseId)).toHaveLength(1);
    expect((await overdueEvents(caseId)).map((e) => e.data.overdueFrom)).toEqual(['2026-05-27']);
    // The replaced wait (confirmation, from 20 April; 4 May skipped) ran out after 12 May: chased once, however many sweeps saw it.
    expect((await overdueEvents(ids.replaced)).map((e) => e.data)).toEqual([expect.objectContaining({ waitingFor: 'confirmation', overdueFrom: '2026-05-13' })]);
    expect(await overdueEvents(ids.easter)).toHaveLength(1);
  });
});
