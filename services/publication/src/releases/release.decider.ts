import { ReleaseCutData, ReleaseDueData } from '@smi/contracts';
import { Decider, DomainError } from '@smi/decider';
import { HolidayLookup, IsoDate } from '@smi/working-days';
import { parseQuarter, Quarter, RELEASE_DUE_WORKING_DAYS, releaseDueBy } from './quarter';

/*
 * Quarterly releases of the defects database. One stream, `releases`, holds every release cut and every
 * quarter found overdue, so the next number, the order of quarters and "raised once" are decided on one state.
 *
 * - A release is for a quarter (`2026-Q4`), numbered 1, 2, 3 … in the order cut; each is for a later quarter
 *   than the one before (so a quarter has one release, and a retried request cannot cut a second).
 * - A quarter that has not started cannot be released.
 * - What the release holds (the counts, the providers that did not supply data) is read from the catalogue in
 *   the cut's transaction and arrives in the command, counted against the release before it.
 * - A quarter with no release by its 10th working day after it ends raises ReleaseDue, once; not for a quarter
 *   before the last one released, which can no longer be released; and not before the cycle starts: the quarter
 *   PUBLICATION_RELEASES_FROM names or, when it names none, the first release. So a new deployment does not report
 *   every quarter before it as late.
 */

export const RELEASES_STREAM = 'releases';

export interface ReleasesState {
  /** The last release's number; 0 before the first. */
  last: number;
  lastLabel: string | null;
  /** Quarters whose ReleaseDue was raised. */
  due: string[];
}

/** What the catalogue held when the release was cut: everything of ReleaseCut but what the stream decides. */
export type ReleaseContents = Omit<ReleaseCutData, 'number' | 'label' | 'period' | 'previousRelease' | 'cutAt'>;

export interface CutRelease {
  type: 'CutRelease';
  label: string;
  /** The release the contents were counted against (`null`: none); must be the last one. */
  countedAgainst: number | null;
  contents: ReleaseContents;
  /** The London date of the cut. */
  today: IsoDate;
  at: string;
}

export interface RaiseReleaseDue {
  type: 'RaiseReleaseDue';
  label: string;
  /** The first quarter a release is due for (PUBLICATION_RELEASES_FROM); null: the first release's. */
  releasesFrom: string | null;
  /** The London date of the check. */
  today: IsoDate;
  at: string;
}

export type ReleaseCommand = CutRelease | RaiseReleaseDue;

export type ReleaseCut = { type: 'ReleaseCut' } & ReleaseCutData;
export type ReleaseDue = { type: 'ReleaseDue' } & ReleaseDueData;
export type ReleaseEvent = ReleaseCut | ReleaseDue;

/**
 * Whether a quarter may be released now, checked before anything is copied (and again by `decide`): its period,
 * the number it would get and the release its changes are counted against.
 */
export function releasableQuarter(state: ReleasesState, label: string, today: IsoDate): { quarter: Quarter; number: number; previousRelease: number | null } {
  const quarter = parseQuarter(label);
  if (quarter.from > today) {
    throw new DomainError('RELEASE_PERIOD_NOT_STARTED', `${label} starts on ${quarter.from}; a quarter is released once it has started`, { field: 'label' });
  }
  if (state.lastLabel === label) {
    throw new DomainError('RELEASE_LABEL_EXISTS', `release ${state.last} is ${label} already; a release is immutable, and each quarter has one`, { field: 'label', release: state.last });
  }
  if (state.lastLabel !== null && label < state.lastLabel) {
    throw new DomainError('RELEASE_ORDER_CONFLICT', `the last release (${state.last}) is ${state.lastLabel}; a release is for a later quarter than the one before`, {
      field: 'label',
      release: state.last,
    });
  }
  return { quarter, number: state.last + 1, previousRelease: state.last === 0 ? null : state.last };
}

export function releaseDecider(holidays: HolidayLookup): Decider<ReleaseCommand, ReleasesState, ReleaseEvent> {
  return {
    initialState: () => ({ last: 0, lastLabel: null, due: [] }),

    evolve(state, event) {
      switch (event.type) {
        case 'ReleaseCut':
          return { ...state, last: event.number, lastLabel: event.label };
        case 'ReleaseDue':
          return { ...state, due: [...state.due, event.label] };
      }
    },

    decide(command, state) {
      switch (command.type) {
        case 'CutRelease': {
          const { quarter, number, previousRelease } = releasableQuarter(state, command.label, command.today);
          if (command.countedAgainst !== previousRelease) {
            throw new DomainError('RELEASE_CONFLICT', `release ${state.last} was cut while this one was being copied; cut it again`);
          }
          return [
            {
              type: 'ReleaseCut',
              number,
              label: quarter.label,
              period: { from: quarter.from, to: quarter.to },
              previousRelease,
              cutAt: command.at,
              ...command.contents,
            },
          ];
        }
        case 'RaiseReleaseDue': {
          const quarter = parseQuarter(command.label);
          // Raised once; and never for a quarter that is released, or that a later release has passed by.
          if (state.due.includes(quarter.label)) return [];
          if (state.lastLabel !== null && quarter.label <= state.lastLabel) return [];
          if (command.releasesFrom === null ? state.lastLabel === null : quarter.label < parseQuarter(command.releasesFrom).label) return [];
          const dueBy = releaseDueBy(quarter, holidays);
          if (command.today <= dueBy) return [];
          return [
            {
              type: 'ReleaseDue',
              label: quarter.label,
              period: { from: quarter.from, to: quarter.to },
              dueBy,
              workingDaysAllowed: RELEASE_DUE_WORKING_DAYS,
              detectedAt: command.at,
            },
          ];
        }
      }
    },
  };
}
