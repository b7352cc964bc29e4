import { backoffDelay, DEFAULT_RETRY_POLICY } from './retry-policy';

describe('backoffDelay', () => {
  it('doubles from the initial delay', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, DEFAULT_RETRY_POLICY))).toEqual([200, 400, 800, 1600]);
  });

  it('never exceeds the maximum delay, however many retries', () => {
    expect(backoffDelay(7, DEFAULT_RETRY_POLICY)).toBe(10_000);
    expect(backoffDelay(1_000, DEFAULT_RETRY_POLICY)).toBe(10_000);
  });

  it('treats a retry number below 1 as the first retry', () => {
    expect(backoffDelay(0, { initialDelayMs: 50, maxDelayMs: 1_000 })).toBe(50);
  });
});
