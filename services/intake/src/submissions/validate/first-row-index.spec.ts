import { FirstRowIndex } from './first-row-index';

describe('FirstRowIndex', () => {
  it('remembers the first row of each identifier and answers it for every repeat', () => {
    const index = new FirstRowIndex(4);
    expect(index.firstOrRemember('5', 2)).toBeUndefined();
    expect(index.firstOrRemember('6', 3)).toBeUndefined();
    expect(index.firstOrRemember('5', 4)).toBe(2);
    expect(index.firstOrRemember('5', 9)).toBe(2);
    expect(index.firstOrRemember('0', 10)).toBeUndefined();
    expect(index.firstOrRemember('0', 11)).toBe(10);
    expect(index.size).toBe(3);
  });

  it('keeps every identifier through growth, consecutive or scattered', () => {
    const index = new FirstRowIndex(2);
    const ids = [...Array.from({ length: 20_000 }, (_, i) => String(i + 1)), ...Array.from({ length: 5_000 }, (_, i) => String(4_294_967_296 * (i + 1) + 7))];
    ids.forEach((id, i) => expect(index.firstOrRemember(id, i + 2)).toBeUndefined());
    ids.forEach((id, i) => expect(index.firstOrRemember(id, 999_999)).toBe(i + 2));
    expect(index.size).toBe(ids.length);
  });

  it('tells apart identifiers longer than a double holds exactly', () => {
    const index = new FirstRowIndex();
    expect(index.firstOrRemember('999999999999999999', 2)).toBeUndefined();
    expect(index.firstOrRemember('999999999999999998', 3)).toBeUndefined();
    expect(index.firstOrRemember('999999999999999', 4)).toBeUndefined();
    expect(index.firstOrRemember('999999999999999999', 5)).toBe(2);
    expect(index.firstOrRemember('999999999999999', 6)).toBe(4);
  });
});
