import { HolidayLookup } from '@smi/working-days';

/** The time as releases see it: injected (token CLOCK) so tests can move it across a quarter's due date. */
export interface Clock {
  now(): Date;
}

export const SYSTEM_CLOCK: Clock = { now: () => new Date() };

export interface ReleasesOptions {
  clock: Clock;
  /** England and Wales bank holidays, which the 10 working days skip. */
  holidays: HolidayLookup;
  /** PUBLICATION_RELEASES_FROM: the first quarter a release is due for; null: the quarter after the first release. */
  releasesFrom: string | null;
  /** PUBLICATION_RELEASE_DUE_CHECK_INTERVAL_MS: how often each instance looks for a quarter left without a release. */
  dueCheckIntervalMs: number;
  /** PUBLICATION_EXPORT_PAGE_ROWS: rows a download reads from the database at a time. */
  exportPageRows: number;
  /** PUBLICATION_RELEASE_CATCH_UP_MS: how long a cut waits for the read models to apply what publication has recorded. */
  catchUpMs: number;
}

export const RELEASES_OPTIONS = Symbol('RELEASES_OPTIONS');

/**
 * Held (session-level) by whoever appends to the `releases` stream: a cut while it copies the catalogue and
 * decides, the due check while it decides. So the release a cut counts against is still the last when it is
 * recorded, and a cut waits for another instead of failing on the stream's version after copying every row.
 */
export const RELEASES_LOCK = 'publication.releases';
