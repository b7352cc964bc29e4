import { EnglandAndWalesBankHolidays } from '@smi/working-days';
import { londonMidnightSeconds, nextRelease } from './release-metrics';

const ew = new EnglandAndWalesBankHolidays();

describe('nextRelease: the release DCC owes next, for the release-due alert', () => {
  it('is the quarter after the last release, late from the day after its 10th working day after the quarter', () => {
    // 2026-Q4 ends Thursday 31 December; Friday 1 January is a bank holiday, so the 10th working day is Friday 15 January.
    expect(nextRelease('2026-Q3', null, ew)).toEqual({ label: '2026-Q4', dueBy: '2027-01-15', lateFromSeconds: Date.parse('2027-01-16T00:00:00Z') / 1000 });
  });

  it('is late from midnight London time, an hour before midnight UTC in summer time', () => {
    // 2027-Q2 ends Wednesday 30 June; the 10th working day is Wednesday 14 July, so late from 15 July, 00:00 BST.
    expect(nextRelease('2027-Q1', null, ew)).toEqual({ label: '2027-Q2', dueBy: '2027-07-14', lateFromSeconds: Date.parse('2027-07-14T23:00:00Z') / 1000 });
    expect(londonMidnightSeconds('2027-01-16')).toBe(Date.parse('2027-01-16T00:00:00Z') / 1000);
  });

  it('crosses a year: after 2026-Q4 comes 2027-Q1', () => {
    expect(nextRelease('2026-Q4', null, ew)?.label).toBe('2027-Q1');
  });

  it('before the first release, is the quarter PUBLICATION_RELEASES_FROM names; with neither, there is none', () => {
    expect(nextRelease(null, '2026-Q2', ew)?.label).toBe('2026-Q2');
    expect(nextRelease(null, null, ew)).toBeNull();
  });
});
