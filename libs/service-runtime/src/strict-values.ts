import { Transform } from 'class-transformer';
import { ValidationOptions, registerDecorator } from 'class-validator';

/*
 * Query strings and bodies carry dates, instants and counts as text. JavaScript's own parsers accept far
 * more than a client means (`Number('0x10')` is 16, `new Date('2026-02-30')` is 2 March, `new Date('March 7')`
 * is a date in 2001, years run to ±275760), and PostgreSQL accepts less; the gap was 500s and silently
 * shifted dates. Every date, instant and count at the edge is read by these rules instead.
 */

/** Years a date or instant at the edge may name: wide enough for any device's life, narrow enough for every store. */
export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 2999;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Seconds may be left out (09:30Z), as ISO 8601 allows; a zone may not.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function isRealDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Why `text` is not a calendar date `yyyy-mm-dd` between the bounds, or undefined when it is. */
export function calendarDateProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return 'must be a date written yyyy-mm-dd';
  const match = CALENDAR_DATE.exec(text);
  if (!match) return 'must be a date written yyyy-mm-dd';
  const [year, month, day] = match.slice(1, 4).map(Number);
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) return `must be a date from ${EARLIEST_YEAR} to ${LATEST_YEAR}`;
  if (!isRealDay(year, month, day)) return `is not a day of the calendar (${text})`;
  return undefined;
}

/** Why `text` is not an RFC 3339 instant with a zone between the bounds, or undefined when it is. */
export function instantProblem(text: unknown): string | undefined {
  const shape = 'must be an instant written yyyy-mm-ddThh:mm[:ss] with Z or an offset, e.g. 2026-03-07T09:30:00Z';
  if (typeof text !== 'string') return shape;
  const match = INSTANT.exec(text);
  if (!match) return shape;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) return `must be an instant from ${EARLIEST_YEAR} to ${LATEST_YEAR}`;
  if (!isRealDay(year, month, day)) return `is not a day of the calendar (${match[1]}-${match[2]}-${match[3]})`;
  if (hour > 23 || minute > 59 || second > 59) return `is not a time of day (${match[4]}:${match[5]}${match[6] === undefined ? '' : `:${match[6]}`})`;
  const offset = match[8];
  if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)) return `has an offset that is not one (${offset})`;
  return undefined;
}

function ruleDecorator(name: string, problem: (value: unknown) => string | undefined, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => problem(value) === undefined,
        defaultMessage: (args) => `${args?.property} ${problem(args?.value) ?? 'is not valid'}`,
      },
    });
}

/** A calendar date `yyyy-mm-dd` that exists, in 1900–2999. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ruleDecorator('isCalendarDate', calendarDateProblem, options);
}

/** An RFC 3339 instant with Z or an offset, that exists, in 1900–2999. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ruleDecorator('isInstant', instantProblem, options);
}

/**
 * A whole number in a query string, in plain digits: `16`, not `0x10`, `1e3`, `16.0` or ` 16`. Anything else is
 * left as text so that IsInt refuses it by name instead of it being read as some other number.
 */
export function DigitsToNumber(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value));
}
