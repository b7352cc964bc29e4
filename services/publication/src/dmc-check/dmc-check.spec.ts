import { memberSummary } from './dmc-check';

describe('the answer for one member of an installation', () => {
  it('is not affected, with nothing to fix, when no item is known', () => {
    expect(memberSummary([])).toEqual({ affected: false, fixAvailable: null, fixingFirmwareVersions: [] });
  });

  it('names each fixing firmware once, in code-point order rather than by how many items name it', () => {
    const summary = memberSummary([
      { fixAvailable: true, fixingFirmwareVersion: '38040406' },
      { fixAvailable: true, fixingFirmwareVersion: null },
      { fixAvailable: true, fixingFirmwareVersion: '38040405' },
      { fixAvailable: true, fixingFirmwareVersion: '38040406' },
    ]);
    expect(summary).toEqual({ affected: true, fixAvailable: true, fixingFirmwareVersions: ['38040405', '38040406'] });
  });

  it('says there is no fix for the member as soon as one item has none (DCC’s view of unfixed items)', () => {
    expect(memberSummary([{ fixAvailable: true, fixingFirmwareVersion: 'A' }, { fixAvailable: false, fixingFirmwareVersion: null }]).fixAvailable).toBe(false);
  });
});
