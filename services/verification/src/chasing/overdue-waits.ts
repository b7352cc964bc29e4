import { Inject, Injectable, Logger } from '@nestjs/common';
import { addCalendarDays, HolidayLookup, IsoDate, londonDate, workingDayWindow } from '@smi/working-days';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor } from '../case-aggregate';
import { CaseWriter } from '../case-store';
import { BANK_HOLIDAYS, Clock, CLOCK } from '../calendar/calendar';
import { CHASING_OPTIONS, ChasingOptions } from './chasing-options';

/** Who records what the schedule decides: the service itself, never a person. */
export const CHASING_SYSTEM_ACTOR: Actor = { userId: 'system:verification.chasing', partyId: 'DCC', partyType: 'dcc', roles: ['system'] };

/**
 * When a wait is overdue (issue point 7), by the rule intake's data requests use (`workingDayWindow`): the
 * London day the wait started does not count, whatever time of day and whether or not it was a working day;
 * the party then has `afterWorkingDays` whole working days (weekends and England and Wales bank holidays
 * skipped); a wait still open at 00:00 London time on the next working day is overdue from that day.
 */
export function overdueFrom(waitingSince: string, afterWorkingDays: number, holidays: HolidayLookup): IsoDate {
  return workingDayWindow(londonDate(new Date(waitingSince)), afterWorkingDays, holidays).overdueFrom;
}

/**
 * Finds the chased waits (on a manufacturer or CSP) whose working days have run out and records each overdue
 * once, through the one write path. Correct on its own when several run at once: the decider records nothing
 * for a wait already overdue, answered, or changed since it was read, and a lost race is decided again.
 */
@Injectable()
export class OverdueWaits {
  private readonly logger = new Logger(OverdueWaits.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly cases: CaseWriter,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(BANK_HOLIDAYS) private readonly holidays: HolidayLookup,
    @Inject(CHASING_OPTIONS) private readonly options: ChasingOptions,
  ) {}

  /** Records every wait overdue at `now` (the clock's by default); returns the ids of the cases it marked. */
  async markOverdue(now: Date = this.clock.now()): Promise<string[]> {
    const today = londonDate(now);
    const days = this.options.afterWorkingDays;
    // n + 1 working days take at least n + 1 calendar days, so a younger wait cannot be due; one day of slack
    // keeps a wait that PostgreSQL's zone data and Node's might place on different London days at midnight.
    const candidates: Array<{ case_id: string; since: string }> = await this.dataSource.query(
      `SELECT case_id, snapshot->'wait'->>'since' AS since FROM cases
       WHERE wait_chased AND NOT wait_overdue AND waiting_since IS NOT NULL
         AND (waiting_since AT TIME ZONE 'Europe/London')::date <= $1::date
       ORDER BY waiting_since, case_id`,
      [addCalendarDays(today, -days)],
    );
    const correlationId = `chase:${randomUUID()}`;
    const marked: string[] = [];
    for (const { case_id: caseId, since } of candidates) {
      try {
        const from = overdueFrom(since, days, this.holidays);
        if (today < from) continue;
        const { events } = await this.cases.execute({
          type: 'MarkResponseOverdue',
          caseId,
          actor: CHASING_SYSTEM_ACTOR,
          correlationId,
          at: now.toISOString(),
          today,
          // The wait as read: if it was answered or replaced since, the decider records nothing.
          waitingSince: since,
          overdueFrom: from,
        });
        if (events.some((event) => event.type === 'PartyResponseOverdue')) marked.push(caseId);
      } catch (error) {
        // One case failing must not stop the others being chased; the next sweep tries it again.
        this.logger.error({ msg: 'could not mark a wait overdue', caseId, error: (error as Error).message });
      }
    }
    if (marked.length > 0) this.logger.log({ msg: 'responses overdue: DCC to chase', caseIds: marked, today, correlationId });
    return marked;
  }
}
