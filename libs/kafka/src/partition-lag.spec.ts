import { partitionLag } from './kafka-client';

describe('partitionLag', () => {
  it('is the end offset less the committed one', () => {
    expect(partitionLag('40', '0', '100')).toBe(60n);
    expect(partitionLag('100', '0', '100')).toBe(0n);
  });

  it('counts from the earliest offset held when the group has committed nothing there (it starts from the beginning)', () => {
    expect(partitionLag('-1', '0', '7')).toBe(7n);
    expect(partitionLag('-1', '5', '7')).toBe(2n);
  });

  it('counts from the earliest offset held when the committed one was deleted by retention, and never below 0', () => {
    expect(partitionLag('3', '10', '12')).toBe(2n);
    expect(partitionLag('12', '0', '10')).toBe(0n);
  });

  it('reads offsets past 2^53 exactly', () => {
    expect(partitionLag('9007199254740993', '0', '9007199254741000')).toBe(7n);
  });
});
