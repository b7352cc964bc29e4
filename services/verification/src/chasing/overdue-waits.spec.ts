import { EnglandAndWalesBankHolidays } from '@smi/working-days';
import { overdueFrom } from './overdue-waits';

const ew = new EnglandAndWalesBankHolidays();

describe('overdueFrom: the first overdue day of a wait, by the rule of intake’s data requests', () => {
  it('gives 15 whole working days after the London day the wait started, skipping Easter 2026', () => {
    // Thursday 26 March: the 15th working day is Monday 20 April, so overdue from Tuesday 21 April.
    expect(overdueFrom('2026-03-26T10:00:00.000Z', 15, ew)).toBe('2026-04-21');
    // Late in the evening the wait already started on the next London day, whatever time it is in UTC.
    expect(overdueFrom('2026-03-26T23:59:59.000Z', 15, ew)).toBe('2026-04-21'); // GMT: still 26 March
    expect(overdueFrom('2026-03-31T23:30:00.000Z', 15, ew)).toBe('2026-04-27'); // BST: 1 April
    expect(overdueFrom('2026-03-31T22:59:59.000Z', 15, ew)).toBe('2026-04-24'); // BST: 31 March
  });

  it('counts a wait started on a weekend or bank holiday from the next working day', () => {
    expect(overdueFrom('2026-04-04T10:00:00.000Z', 15, ew)).toBe(overdueFrom('2026-04-02T10:00:00.000Z', 15, ew));
    expect(overdueFrom('2026-04-03T10:00:00.000Z', 1, ew)).toBe('2026-04-08'); // Good Friday: day 1 is Tuesday 7 April
  });

  it('takes the number of working days from the setting', () => {
    expect(overdueFrom('2026-03-02T10:00:00.000Z', 15, ew)).toBe('2026-03-24');
    expect(overdueFrom('2026-03-02T10:00:00.000Z', 5, ew)).toBe('2026-03-10');
  });
});
