import { EnglandAndWalesBankHolidays } from '@smi/working-days';
import { nextRelease } from './release-metrics';

const ew = new EnglandAndWalesBankHolidays();

describe('nextRelease: the release DCC owes next, for the release-due alert', () => {
  it('is the quarter after the last release, due on its 10th working day after the quarter ends', () => {
    // 2026-Q4 ends Thursday 31 December; Friday 1 January is a bank holiday, so the 10th working day is Friday 15 January.
    expect(nextRelease('2026-Q3', null, '2027-01-10', ew)).toEqual({ label: '2026-Q4', dueBy: '2027-01-15', daysUntilDue: 5 });
  });

  it('is 0 on the due day and negative once it has passed', () => {
    expect(nextRelease('2026-Q3', null, '2027-01-15', ew)?.daysUntilDue).toBe(0);
    expect(nextRelease('2026-Q3', null, '2027-02-01', ew)?.daysUntilDue).toBe(-17);
  });

  it('crosses a year: after 2026-Q4 comes 2027-Q1', () => {
    expect(nextRelease('2026-Q4', null, '2027-01-20', ew)?.label).toBe('2027-Q1');
  });

  it('before the first release, is the quarter PUBLICATION_RELEASES_FROM names; with neither, there is none', () => {
    expect(nextRelease(null, '2026-Q2', '2026-07-01', ew)?.label).toBe('2026-Q2');
    expect(nextRelease(null, null, '2026-07-01', ew)).toBeNull();
  });
});
