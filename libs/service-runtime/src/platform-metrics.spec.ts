import { cachedFor } from './platform-metrics';

describe('cachedFor: consumer lag asked of the broker at most once a period', () => {
  it('serves one answer for the period, shares a load in flight, and asks again afterwards', async () => {
    let clock = 0;
    let loads = 0;
    const read = cachedFor(10_000, async () => ++loads, () => clock);
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    clock = 9_999;
    expect(await read()).toBe(1);
    clock = 10_000;
    expect(await read()).toBe(2);
    expect(loads).toBe(2);
  });

  it('keeps no failure: the next scrape asks again at once', async () => {
    let fail = true;
    const read = cachedFor(10_000, async () => {
      if (fail) throw new Error('broker unreachable');
      return 'lag';
    }, () => 0);
    await expect(read()).rejects.toThrow('broker unreachable');
    fail = false;
    expect(await read()).toBe('lag');
  });
});
