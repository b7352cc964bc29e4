export interface ChasingOptions {
  /** VERIFICATION_CHASE_AFTER_WORKING_DAYS: a wait is overdue after this many whole working days. */
  afterWorkingDays: number;
  /** VERIFICATION_CHASE_CHECK_INTERVAL_MS: how often each instance sweeps. */
  checkIntervalMs: number;
}

export const CHASING_OPTIONS = Symbol('CHASING_OPTIONS');
