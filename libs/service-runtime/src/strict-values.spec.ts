import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PageLimit } from './page-query';
import { calendarDateProblem, instantProblem } from './strict-values';

describe('calendarDateProblem', () => {
  it.each(['2026-03-07', '2024-02-29', '1900-01-01', '2999-12-31'])('accepts %s', (text) => {
    expect(calendarDateProblem(text)).toBeUndefined();
  });

  it.each([
    ['2026-02-30', 'is not a day of the calendar (2026-02-30)'],
    ['2025-02-29', 'is not a day of the calendar (2025-02-29)'],
    ['9999-12-31', 'must be a date from 1900 to 2999'],
    ['0000-01-01', 'must be a date from 1900 to 2999'],
    ['+275760-09-13', 'must be a date written yyyy-mm-dd'],
    ['March 7', 'must be a date written yyyy-mm-dd'],
    ['2026-3-7', 'must be a date written yyyy-mm-dd'],
    ['2026-03-07T00:00:00Z', 'must be a date written yyyy-mm-dd'],
  ])('refuses %s: %s', (text, reason) => {
    expect(calendarDateProblem(text)).toBe(reason);
  });
});

describe('instantProblem', () => {
  it.each(['2026-03-07T09:30Z', '2026-03-07T09:30:00Z', '2026-03-07T09:30:00.123Z', '2026-03-07T09:30:00+01:00', '2026-06-30T23:59:59-05:30'])('accepts %s', (text) => {
    expect(instantProblem(text)).toBeUndefined();
  });

  it.each([
    ['2026-02-30T00:00:00Z', 'is not a day of the calendar (2026-02-30)'],
    ['2026-03-07T24:00:00Z', 'is not a time of day (24:00:00)'],
    ['2026-03-07T09:30:00+25:00', 'has an offset that is not one (+25:00)'],
    ['+275760-09-13T00:00:00.000Z', expect.stringMatching(/^must be an instant written/)],
    ['-000001-01-01T00:00:00Z', expect.stringMatching(/^must be an instant written/)],
    ['March 7', expect.stringMatching(/^must be an instant written/)],
    ['2026-03-07T09:30:00', expect.stringMatching(/^must be an instant written/)],
    ['2026-03-07', expect.stringMatching(/^must be an instant written/)],
    ['3026-03-07T09:30:00Z', 'must be an instant from 1900 to 2999'],
  ])('refuses %s', (text, reason) => {
    expect(instantProblem(text)).toEqual(reason);
  });
});

describe('PageLimit', () => {
  class Query {
    @PageLimit({ max: 500, default: 100 })
    limit?: number;
  }
  const errors = (limit: string) => validateSync(plainToInstance(Query, { limit })).flatMap((e) => Object.values(e.constraints ?? {}));

  it('reads plain digits as the number they write', () => {
    expect(plainToInstance(Query, { limit: '16' }).limit).toBe(16);
    expect(errors('16')).toEqual([]);
  });

  it.each(['0x10', '1e3', '16.0', ' 16', '+16', '-1', ''])('refuses %j by name', (limit) => {
    expect(errors(limit)).toContain('limit must be a whole number written in digits');
  });

  it('keeps the bounds', () => {
    expect(errors('0')).toEqual(['limit must not be less than 1']);
    expect(errors('501')).toEqual(['limit must not be greater than 500']);
  });
});
