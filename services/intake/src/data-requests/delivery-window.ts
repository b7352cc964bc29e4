import { HolidayLookup, IsoDate, workingDayWindow } from '@smi/working-days';

/** SECMP0137 process: 15 working days after the agreed delivery date with nothing received. */
export const WORKING_DAYS_TO_DELIVER = 15;

export interface DeliveryWindow {
  agreedDeliveryDate: IsoDate;
  /** The 15th working day after the agreed date: the last day on which a delivery is still in time. */
  lastDeliveryDay: IsoDate;
  /** The 16th working day after the agreed date: from 00:00 (London) on this day the request is overdue. */
  overdueFrom: IsoDate;
}

/**
 * The rule (`workingDayWindow` in @smi/working-days, which verification's chasing uses too): the agreed
 * date itself does not count; the provider then has 15 whole working days (weekends and England and
 * Wales bank holidays skipped). A request still unfulfilled at the START of
 * the next working day, the 16th, is overdue. Days off between the 15th and 16th working day are
 * still in time, so a chase never lands on a weekend or bank holiday.
 *
 * Example: agreed Thursday 26 March 2026. Working days 1-5 are 27, 30, 31 March, 1 and 2 April; Good
 * Friday (3 April) and Easter Monday (6 April) do not count; 6-15 are 7-10 and 13-17 April and 20
 * April. Monday 20 April is the last delivery day; from Tuesday 21 April 2026 the request is overdue.
 */
export function deliveryWindow(agreedDeliveryDate: IsoDate, holidays: HolidayLookup): DeliveryWindow {
  const { lastDay, overdueFrom } = workingDayWindow(agreedDeliveryDate, WORKING_DAYS_TO_DELIVER, holidays);
  return { agreedDeliveryDate, lastDeliveryDay: lastDay, overdueFrom };
}

/** Whether a request agreed for `agreedDeliveryDate` and not fulfilled is overdue on `today` (a London date). */
export function isOverdueOn(agreedDeliveryDate: IsoDate, today: IsoDate, holidays: HolidayLookup): boolean {
  return today >= deliveryWindow(agreedDeliveryDate, holidays).overdueFrom;
}

/**
 * The window, or undefined when it would end past 9999-12-31, the last day a date here can be written. New
 * requests are agreed at most two years ahead, so only a request recorded before that bound can be such a
 * one; it must still be readable and fulfillable (never late, never overdue), not break every read of the list.
 */
export function deliveryWindowIfAny(agreedDeliveryDate: IsoDate, holidays: HolidayLookup): DeliveryWindow | undefined {
  try {
    return deliveryWindow(agreedDeliveryDate, holidays);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
