import { EnglandAndWalesBankHolidays } from '@smi/working-days';
import { openCaseAges } from './case-metrics';

const ew = new EnglandAndWalesBankHolidays();

describe('openCaseAges: open cases by working days in their state, for the metrics', () => {
  // Tuesday 14 April 2026: Good Friday (3 April) and Easter Monday (6 April) lie behind it.
  const today = '2026-04-14';

  it('puts each case in the dashboard bucket of its working days in the state, on the bucket bounds exactly', () => {
    const ages = openCaseAges(
      [
        { state: 'queued', day: '2026-04-14', cases: 2 }, // 0 working days
        { state: 'queued', day: '2026-04-07', cases: 1 }, // 5: still 0-5
        { state: 'queued', day: '2026-04-02', cases: 4 }, // 6 (Good Friday and Easter Monday skipped): 6-15
        { state: 'queued', day: '2026-03-24', cases: 3 }, // 13: 6-15
        { state: 'awaiting-agreement', day: '2026-03-19', cases: 1 }, // 16: 16+
        { state: 'claimed', day: '2026-03-20', cases: 5 }, // 15: still 6-15
      ],
      today,
      ew,
    );
    const count = (state: string, bucket: string) => ages.byBucket.find((b) => b.state === state && b.bucket === bucket)?.cases;
    expect(count('queued', '0-5')).toBe(3);
    expect(count('queued', '6-15')).toBe(7);
    expect(count('queued', '16+')).toBe(0);
    expect(count('claimed', '6-15')).toBe(5);
    expect(count('awaiting-agreement', '16+')).toBe(1);
    expect(ages.oldest).toEqual(
      expect.arrayContaining([
        { state: 'queued', workingDays: 13 },
        { state: 'claimed', workingDays: 15 },
        { state: 'awaiting-agreement', workingDays: 16 },
      ]),
    );
  });

  it('reports every open state and bucket, at 0 when empty, and leaves closed states out', () => {
    const ages = openCaseAges([{ state: 'verified', day: '2020-01-01', cases: 900 }], today, ew);
    expect(ages.byBucket).toHaveLength(5 * 3);
    expect(ages.byBucket.every((b) => b.cases === 0)).toBe(true);
    expect(ages.byBucket.some((b) => b.state === ('verified' as never))).toBe(false);
    expect(ages.oldest).toHaveLength(5);
    expect(ages.oldest.every((o) => o.workingDays === 0)).toBe(true);
  });
});
