import { Clock } from '../calendar/calendar';

/** A clock a test moves by hand, e.g. across a bank holiday to the day a wait becomes overdue. */
export class AdjustableClock implements Clock {
  private current: Date;

  constructor(iso: string) {
    this.current = new Date(iso);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(iso: string): void {
    this.current = new Date(iso);
  }
}
