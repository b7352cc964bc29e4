import { DomainError } from '@smi/decider';
import { addCalendarDays, addWorkingDays, HolidayLookup, IsoDate } from '@smi/working-days';

/** A calendar quarter, the period of one release: `2026-Q4` is 1 October to 31 December 2026. */
export interface Quarter {
  label: string;
  from: IsoDate;
  to: IsoDate;
}

/** Years of four digits from 1900: Date.UTC reads years 0-99 as 1900-1999, and the working-day calendar ends in 9999. */
const LABEL = /^((?:19|2\d)\d{2})-Q([1-4])$/;

/** Working days DCC has after a quarter ends to cut its release. */
export const RELEASE_DUE_WORKING_DAYS = 10;

export function isQuarterLabel(text: string): boolean {
  return LABEL.test(text);
}

export function parseQuarter(label: string): Quarter {
  const match = LABEL.exec(label);
  if (!match) throw new DomainError('INVALID_LABEL', `label must be a quarter such as 2026-Q4 (years 1900 to 2999); got ${JSON.stringify(label)}`, { field: 'label' });
  const year = Number(match[1]);
  const firstMonth = (Number(match[2]) - 1) * 3 + 1;
  const lastDay = new Date(Date.UTC(year, firstMonth + 2, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { label, from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(firstMonth + 2)}-${pad(lastDay)}` };
}

/** The quarter a day falls in. */
export function quarterOf(date: IsoDate): Quarter {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return parseQuarter(`${year}-Q${Math.floor((month - 1) / 3) + 1}`);
}

/** The last quarter that had ended by `date`. */
export function lastEndedQuarter(date: IsoDate): Quarter {
  return quarterOf(addCalendarDays(quarterOf(date).from, -1));
}

/** The last day a quarter's release is on time: the 10th working day (England and Wales) after the quarter's last day. */
export function releaseDueBy(quarter: Quarter, holidays: HolidayLookup): IsoDate {
  return addWorkingDays(quarter.to, RELEASE_DUE_WORKING_DAYS, holidays);
}
