import { SubmittedItem, contentHash, diffItems } from './submitted-item';
import { SAMPLE_ITEM } from './test-support/sample-item';

describe('contentHash', () => {
  it('is the same for the same content, whatever the order the object was built in', () => {
    const reordered = Object.fromEntries(Object.entries(SAMPLE_ITEM).reverse()) as unknown as SubmittedItem;
    expect(contentHash(reordered)).toBe(contentHash(SAMPLE_ITEM));
    expect(contentHash(SAMPLE_ITEM)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when any field changes, null and empty text included', () => {
    const hashes = new Set([
      contentHash(SAMPLE_ITEM),
      contentHash({ ...SAMPLE_ITEM, fixInformation: null }),
      contentHash({ ...SAMPLE_ITEM, fixInformation: '' }),
      contentHash({ ...SAMPLE_ITEM, fixAvailable: false }),
      contentHash({ ...SAMPLE_ITEM, dateLastUpdated: '2026-03-15' }),
      contentHash({ ...SAMPLE_ITEM, make: 'Northwind Meterin', model: 'gNW-E470' }),
    ]);
    expect(hashes.size).toBe(6);
  });
});

describe('diffItems', () => {
  it('lists the changed fields in column order', () => {
    expect(diffItems(SAMPLE_ITEM, { ...SAMPLE_ITEM })).toEqual([]);
    expect(
      diffItems(SAMPLE_ITEM, { ...SAMPLE_ITEM, fixInformation: null, statusOfInformation: 'Fix', firmwareVersion: '00020130' }),
    ).toEqual(['firmwareVersion', 'statusOfInformation', 'fixInformation']);
  });
});
