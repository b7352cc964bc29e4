import { EnglandAndWalesBankHolidays } from './bank-holidays';

/**
 * Checks the date-holidays data against the bank holidays gov.uk lists for England and Wales, so a
 * package upgrade that changed them would be noticed here rather than in a missed deadline.
 */
describe('England and Wales bank holidays (date-holidays GB/ENG, public only)', () => {
  const calendar = new EnglandAndWalesBankHolidays();

  it.each([
    [2026, ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']],
    [2027, ['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28']],
    [2025, ['2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26']],
  ])('%i: the eight weekday bank holidays', (year, expected) => {
    expect(calendar.weekdayHolidaysIn(year)).toEqual(expected);
  });

  it('includes one-off holidays: the 2022 jubilee and state funeral, the 2023 coronation', () => {
    expect(calendar.has('2022-06-03')).toBe(true);
    expect(calendar.has('2022-09-19')).toBe(true);
    expect(calendar.has('2023-05-08')).toBe(true);
  });

  it('includes substitute days and leaves out observances', () => {
    expect(calendar.has('2028-01-03')).toBe(true); // New Year's Day 2028 is a Saturday
    expect(calendar.has('2026-03-15')).toBe(false); // Mother's Day, an observance
    expect(calendar.has('2026-04-05')).toBe(false); // Easter Sunday, an observance
  });

  it('leaves out Scottish-only holidays', () => {
    expect(calendar.has('2026-01-02')).toBe(false); // 2 January, Scotland
    expect(calendar.has('2026-11-30')).toBe(false); // St Andrew's Day, Scotland
    expect(calendar.has('2026-08-03')).toBe(false); // Scottish summer bank holiday
  });
});
