/**
 * Working-day arithmetic on calendar dates. Pure: the bank holidays come in as a lookup, so the same
 * code serves England and Wales (see bank-holidays.ts) and any calendar a test writes by hand.
 *
 * Dates are ISO calendar dates (`yyyy-mm-dd`) with no time and no zone: a delivery date is a day in
 * England, not an instant. Arithmetic runs on UTC midnights, where every day is 24 hours long.
 */

/** A calendar date, `yyyy-mm-dd`. */
export type IsoDate = string;

/** Says whether a date is a bank holiday. A `Set<IsoDate>` is one. */
export interface HolidayLookup {
  has(date: IsoDate): boolean;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** True for a real calendar day written `yyyy-mm-dd` (2026-02-29 is not one). */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = new Date(Date.UTC(year, month - 1, day));
  return utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
}

function toUtcMs(date: IsoDate): number {
  if (!isIsoDate(date)) throw new RangeError(`not a calendar date (yyyy-mm-dd): ${JSON.stringify(date)}`);
  return Date.parse(`${date}T00:00:00Z`);
}

function fromUtcMs(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

export function isWeekend(date: IsoDate): boolean {
  const weekday = new Date(toUtcMs(date)).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** Monday to Friday and not a bank holiday. */
export function isWorkingDay(date: IsoDate, holidays: HolidayLookup): boolean {
  return !isWeekend(date) && !holidays.has(date);
}

/**
 * The `n`-th working day AFTER `date`: `date` itself never counts, whether or not it is a working day.
 * `n = 0` returns `date` unchanged. So from Thursday 2 April 2026, 1 working day is Tuesday 7 April
 * (Good Friday and Easter Monday are bank holidays).
 */
export function addWorkingDays(date: IsoDate, n: number, holidays: HolidayLookup): IsoDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number >= 0, got ${n}`);
  let ms = toUtcMs(date);
  for (let counted = 0; counted < n; ) {
    ms += DAY_MS;
    if (isWorkingDay(fromUtcMs(ms), holidays)) counted++;
  }
  return fromUtcMs(ms);
}

/**
 * How many working days lie in the half-open range (`from`, `to`]: after `from`, up to and including
 * `to`; 0 when `to` is not after `from`. The inverse of addWorkingDays:
 * `workingDaysBetween(d, addWorkingDays(d, n, h), h) === n`.
 */
export function workingDaysBetween(from: IsoDate, to: IsoDate, holidays: HolidayLookup): number {
  const end = toUtcMs(to);
  let count = 0;
  for (let ms = toUtcMs(from) + DAY_MS; ms <= end; ms += DAY_MS) {
    if (isWorkingDay(fromUtcMs(ms), holidays)) count++;
  }
  return count;
}

/** A span of whole working days after a start day: the last day still in time and the first day overdue. */
export interface WorkingDayWindow {
  /** The `n`-th working day after the start: the last day on which an answer or delivery is still in time. */
  lastDay: IsoDate;
  /** The working day after that: from 00:00 (London) on this day it is overdue. */
  overdueFrom: IsoDate;
}

/**
 * The one rule for "overdue after `n` working days", for intake's data requests and verification's chasing
 * alike: the start day itself never counts (whether or not it is a working day); `n` whole working days
 * follow; what is still outstanding at the START of the next working day is overdue. Days off between the
 * `n`-th working day and the next are still in time, so being overdue never begins on a weekend or holiday.
 * Equivalently: overdue on `today` exactly when `workingDaysBetween(start, today) > n`.
 */
export function workingDayWindow(start: IsoDate, n: number, holidays: HolidayLookup): WorkingDayWindow {
  const lastDay = addWorkingDays(start, n, holidays);
  return { lastDay, overdueFrom: addWorkingDays(lastDay, 1, holidays) };
}
