import { londonDate } from './london-date';

describe('londonDate', () => {
  it('is the English calendar day, which in summer starts an hour before UTC midnight', () => {
    expect(londonDate(new Date('2026-04-20T22:59:59Z'))).toBe('2026-04-20');
    expect(londonDate(new Date('2026-04-20T23:00:00Z'))).toBe('2026-04-21');
    expect(londonDate(new Date('2026-07-01T22:59:59Z'))).toBe('2026-07-01');
    expect(londonDate(new Date('2026-07-01T23:00:00Z'))).toBe('2026-07-02');
  });

  it('is the UTC day in winter', () => {
    expect(londonDate(new Date('2026-12-20T23:59:59Z'))).toBe('2026-12-20');
    expect(londonDate(new Date('2026-12-21T00:00:00Z'))).toBe('2026-12-21');
    expect(londonDate(new Date('2026-12-31T23:59:59Z'))).toBe('2026-12-31');
  });
});
