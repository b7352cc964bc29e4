import { DynamicModule, Global, Module } from '@nestjs/common';
import { EnglandAndWalesBankHolidays } from '@smi/working-days';

/** The time as chasing and the dashboard see it: injected (token CLOCK) so tests can move it across a deadline. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const SYSTEM_CLOCK: Clock = { now: () => new Date() };

/** The England and Wales bank holidays that working days skip (a `HolidayLookup`). */
export const BANK_HOLIDAYS = Symbol('BANK_HOLIDAYS');

/**
 * One clock and one calendar for the whole service, registered once by the root module: global, so that
 * chasing and the dashboard count the same days from the same "now" without each being handed them.
 */
@Global()
@Module({})
export class CalendarModule {
  static register(clock: Clock = SYSTEM_CLOCK): DynamicModule {
    return {
      module: CalendarModule,
      global: true,
      providers: [
        { provide: CLOCK, useValue: clock },
        { provide: BANK_HOLIDAYS, useValue: new EnglandAndWalesBankHolidays() },
      ],
      exports: [CLOCK, BANK_HOLIDAYS],
    };
  }
}
