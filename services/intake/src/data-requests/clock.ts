/** The time as the data-request rules see it: injected (token CLOCK) so tests can move it across a deadline. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const SYSTEM_CLOCK: Clock = { now: () => new Date() };

/** The England and Wales bank holiday lookup the deadlines use (token, so a test could pass its own). */
export const BANK_HOLIDAYS = Symbol('BANK_HOLIDAYS');

export interface DataRequestsOptions {
  /** How often to look for requests that have become overdue (INTAKE_OVERDUE_CHECK_INTERVAL_MS). */
  overdueCheckIntervalMs: number;
  /** Defaults to the system clock. */
  clock?: Clock;
}

export const DATA_REQUESTS_OPTIONS = Symbol('DATA_REQUESTS_OPTIONS');
