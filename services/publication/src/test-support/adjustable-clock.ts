/** A clock a test moves by hand, e.g. past the 10th working day after a quarter (a `Clock` of releases/). */
export class AdjustableClock {
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
