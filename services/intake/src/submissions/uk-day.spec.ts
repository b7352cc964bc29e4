import { ukDay } from './uk-day';

describe('ukDay', () => {
  it('is the UK calendar day, which runs an hour ahead of UTC in summer', () => {
    expect(ukDay(new Date('2026-07-01T22:59:59Z'))).toBe('2026-07-01');
    expect(ukDay(new Date('2026-07-01T23:00:00Z'))).toBe('2026-07-02');
    expect(ukDay(new Date('2026-12-31T23:59:59Z'))).toBe('2026-12-31');
  });
});
