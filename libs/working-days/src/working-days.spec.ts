import { EnglandAndWalesBankHolidays } from './bank-holidays';
import { addCalendarDays, addWorkingDays, isIsoDate, isWorkingDay, workingDaysBetween, workingDayWindow } from './working-days';

const none = new Set<string>();
const ew = new EnglandAndWalesBankHolidays();

describe('addWorkingDays / workingDaysBetween with a hand-written calendar', () => {
  it('never counts the start date and skips weekends', () => {
    // Friday 6 March 2026: the next working day is Monday 9 March.
    expect(addWorkingDays('2026-03-06', 1, none)).toBe('2026-03-09');
    expect(addWorkingDays('2026-03-06', 5, none)).toBe('2026-03-13');
    expect(addWorkingDays('2026-03-09', 0, none)).toBe('2026-03-09');
  });

  it('skips the holidays it is given', () => {
    const holidays = new Set(['2026-03-10', '2026-03-11']);
    expect(addWorkingDays('2026-03-09', 1, holidays)).toBe('2026-03-12');
    expect(workingDaysBetween('2026-03-09', '2026-03-13', holidays)).toBe(2);
  });

  it('counts the half-open range (from, to] and is 0 when to is not after from', () => {
    expect(workingDaysBetween('2026-03-09', '2026-03-09', none)).toBe(0);
    expect(workingDaysBetween('2026-03-13', '2026-03-09', none)).toBe(0);
    expect(workingDaysBetween('2026-03-06', '2026-03-08', none)).toBe(0);
    expect(workingDaysBetween('2026-03-06', '2026-03-09', none)).toBe(1);
  });

  it('crosses month, year and leap-day boundaries', () => {
    expect(addWorkingDays('2028-02-28', 1, none)).toBe('2028-02-29');
    expect(addWorkingDays('2027-02-26', 1, none)).toBe('2027-03-01');
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('refuses negative or fractional counts and dates that do not exist', () => {
    expect(() => addWorkingDays('2026-03-09', -1, none)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-09', 1.5, none)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-02-29', 1, none)).toThrow(RangeError);
    expect(() => workingDaysBetween('09/03/2026', '2026-03-10', none)).toThrow(RangeError);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
  });

  it.each([
    ['2026-01-01', 0],
    ['2026-03-26', 15],
    ['2026-12-20', 16],
    ['2027-12-23', 7],
  ])('is the inverse of addWorkingDays from %s + %i', (start, n) => {
    expect(workingDaysBetween(start, addWorkingDays(start, n, ew), ew)).toBe(n);
  });
});

describe('England and Wales bank-holiday edges', () => {
  it('Easter 2026: Good Friday 3 April and Easter Monday 6 April are not working days', () => {
    expect(isWorkingDay('2026-04-02', ew)).toBe(true);
    expect(isWorkingDay('2026-04-03', ew)).toBe(false);
    expect(isWorkingDay('2026-04-06', ew)).toBe(false);
    expect(addWorkingDays('2026-04-02', 1, ew)).toBe('2026-04-07');
    expect(workingDaysBetween('2026-04-01', '2026-04-08', ew)).toBe(3); // 2, 7, 8 April
  });

  it('Christmas 2026: Friday 25 December and Monday 28 December (Boxing Day substitute)', () => {
    expect(isWorkingDay('2026-12-24', ew)).toBe(true);
    expect(isWorkingDay('2026-12-25', ew)).toBe(false);
    expect(isWorkingDay('2026-12-28', ew)).toBe(false);
    expect(isWorkingDay('2026-12-29', ew)).toBe(true);
    expect(addWorkingDays('2026-12-24', 1, ew)).toBe('2026-12-29');
    // New Year's Day 2027 is a Friday bank holiday: 29, 30, 31 December, then Monday 4 January.
    expect(addWorkingDays('2026-12-24', 4, ew)).toBe('2027-01-04');
  });

  it('Christmas 2027: 25 December is a Saturday, so Monday 27 and Tuesday 28 December are substitutes', () => {
    expect(isWorkingDay('2027-12-24', ew)).toBe(true);
    expect(isWorkingDay('2027-12-27', ew)).toBe(false);
    expect(isWorkingDay('2027-12-28', ew)).toBe(false);
    expect(addWorkingDays('2027-12-24', 1, ew)).toBe('2027-12-29');
    expect(workingDaysBetween('2027-12-24', '2027-12-31', ew)).toBe(3); // 29, 30, 31 December
  });

  it('early May bank holidays: Monday 4 May 2026 and Monday 3 May 2027', () => {
    expect(addWorkingDays('2026-05-01', 1, ew)).toBe('2026-05-05');
    expect(addWorkingDays('2027-04-30', 1, ew)).toBe('2027-05-04');
    // Spring bank holiday 25 May 2026 too: 15 working days from 1 May skip both Mondays.
    expect(addWorkingDays('2026-05-01', 15, ew)).toBe('2026-05-26');
  });
});

describe('workingDayWindow: overdue at the start of the working day after the n-th', () => {
  it('gives the n-th working day after the start as the last day, and the next working day as the first overdue one', () => {
    // Monday 2 March 2026 + 15 working days: Monday 23 March; overdue from Tuesday 24 March.
    expect(workingDayWindow('2026-03-02', 15, ew)).toEqual({ lastDay: '2026-03-23', overdueFrom: '2026-03-24' });
    expect(workingDaysBetween('2026-03-02', '2026-03-23', ew)).toBe(15);
    expect(workingDaysBetween('2026-03-02', '2026-03-24', ew)).toBe(16);
  });

  it('leaves the days off after the last day in time, so being overdue starts on a working day', () => {
    // Friday 27 November 2026 + 15: Friday 18 December; the weekend is in time, overdue from Monday 21.
    expect(workingDayWindow('2026-11-27', 15, ew)).toEqual({ lastDay: '2026-12-18', overdueFrom: '2026-12-21' });
    // Across Easter 2026: Thursday 2 April + 1 is Tuesday 7 April, overdue from Wednesday 8 April.
    expect(workingDayWindow('2026-04-02', 1, ew)).toEqual({ lastDay: '2026-04-07', overdueFrom: '2026-04-08' });
  });

  it('is overdue on a day exactly when more than n working days lie after the start', () => {
    for (const start of ['2026-03-26', '2026-04-03', '2026-12-19', '2027-12-24']) {
      const { overdueFrom } = workingDayWindow(start, 15, ew);
      for (let day = addCalendarDays(start, 1); day <= addCalendarDays(start, 40); day = addCalendarDays(day, 1)) {
        expect([day, day >= overdueFrom]).toEqual([day, workingDaysBetween(start, day, ew) > 15]);
      }
    }
  });
});
