// Working days in England and Wales: the calendar every deadline and chase counts in.
export { EnglandAndWalesBankHolidays } from './bank-holidays';
export { londonDate } from './london-date';
export { addCalendarDays, addWorkingDays, HolidayLookup, IsoDate, isIsoDate, isWeekend, isWorkingDay, workingDaysBetween, WorkingDayWindow, workingDayWindow } from './working-days';
