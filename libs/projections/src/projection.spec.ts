import { nextTableName, percentDone, Projection, tableGeneration, validateProjection } from './projection';

const projection = (overrides: Partial<Projection>): Projection => ({
  name: 'device_counts',
  version: 1,
  createSchema: async () => undefined,
  apply: async () => undefined,
  ...overrides,
});

describe('projection naming', () => {
  it('reads the generation only from the projection own tables', () => {
    expect(tableGeneration('device_counts', 'device_counts_v12')).toBe(12);
    expect(tableGeneration('device_counts', 'device_counts_v1_pkey')).toBeUndefined();
    expect(tableGeneration('device_counts', 'device_counts_v0')).toBeUndefined();
    expect(tableGeneration('device', 'device_counts_v1')).toBeUndefined();
  });

  it('rebuilds with unchanged code into the next generation', () => {
    expect(nextTableName('p', ['p_v1'], 1)).toBe('p_v2');
    expect(nextTableName('p', ['p_v1', 'p_v3'], 1)).toBe('p_v4');
  });

  it('upgrades into the code version when that generation is free, past the highest otherwise', () => {
    expect(nextTableName('p', ['p_v1'], 3)).toBe('p_v3');
    expect(nextTableName('p', ['p_v1', 'p_v2'], 2)).toBe('p_v3');
    expect(nextTableName('p', [], 1)).toBe('p_v1');
  });

  it('caps progress at 100% because events appended during a rebuild count as processed too', () => {
    expect(percentDone(0, 0)).toBe(100);
    expect(percentDone(250, 1000)).toBe(25);
    expect(percentDone(1500, 1000)).toBe(100);
  });

  it('rejects names that are not safe table names and versions that are not positive integers', () => {
    expect(() => validateProjection(projection({}))).not.toThrow();
    expect(() => validateProjection(projection({ name: 'DeviceCounts' }))).toThrow(/snake_case/);
    expect(() => validateProjection(projection({ name: 'x"; drop table events; --' }))).toThrow(/snake_case/);
    expect(() => validateProjection(projection({ name: 'a'.repeat(51) }))).toThrow(/snake_case/);
    expect(() => validateProjection(projection({ version: 0 }))).toThrow(/version/);
    expect(() => validateProjection(projection({ version: 1.5 }))).toThrow(/version/);
    expect(() => validateProjection(projection({ eventTypes: [] }))).toThrow(/eventTypes/);
  });
});
