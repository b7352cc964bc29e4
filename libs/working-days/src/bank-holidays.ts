import Holidays from 'date-holidays';
import { HolidayLookup, IsoDate } from './working-days';

/**
 * England and Wales bank holidays, from the date-holidays package (country GB, region ENG; gov.uk
 * publishes one list for England and Wales). Only `public` holidays count: the package also lists
 * observances such as Mother's Day. Substitute days (Boxing Day on a Saturday moved to Monday) are
 * `public` with `substitute: true` and so included. The package also lists the weekend day itself;
 * that changes nothing here because weekends are never working days.
 *
 * One-off holidays (a coronation, a state funeral) arrive with a new release of the package; because
 * deadlines are computed when they are checked, not stored, an upgrade applies to open requests and waits too.
 */
export class EnglandAndWalesBankHolidays implements HolidayLookup {
  private readonly source = new Holidays('GB', 'ENG');
  private readonly byYear = new Map<number, ReadonlySet<IsoDate>>();

  has(date: IsoDate): boolean {
    return this.datesIn(Number(date.slice(0, 4))).has(date);
  }

  /** The year's bank holidays that fall on a weekday, in date order: what a calendar would show. */
  weekdayHolidaysIn(year: number): IsoDate[] {
    return [...this.datesIn(year)].filter((date) => ![0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay())).sort();
  }

  private datesIn(year: number): ReadonlySet<IsoDate> {
    let dates = this.byYear.get(year);
    if (!dates) {
      // `date` is "yyyy-mm-dd hh:mm:ss" in the region's own time: the calendar day is its first 10 characters.
      dates = new Set(this.source.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
      this.byYear.set(year, dates);
    }
    return dates;
  }
}
