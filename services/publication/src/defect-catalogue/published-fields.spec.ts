import { PublishedItemData } from '@smi/contracts';
import { changedFields, PUBLISHED_FIELD_NAMES, publishedFieldsOf } from './published-fields';

const item: PublishedItemData = {
  caseId: 'c1',
  caseKind: 'item',
  identifier: '42',
  canonical: { makeId: 'm', make: 'Northwind Metering', manufacturerId: '1A2B', modelId: 'mo', model: 'NW-E470', smiModelId: '0000E470' },
  submittedMake: 'northwind',
  submittedModel: 'e470',
  firmwareVersion: '38040404',
  deviceType: 'ESME',
  source: 'Device Manufacturer',
  statusOfInformation: 'Defect',
  dateLastUpdated: '2026-02-27',
  fixAvailable: true,
  fixInformation: '=HYPERLINK("x")',
  accountable: { partyId: 'MFR-NW', partyType: 'manufacturer' },
  inclusion: 'agreed',
  dispute: { partyId: 'MFR-NW', reason: 'internal reason' },
  fix: { fixId: 'F-000001', origin: 'proposal', proposerPartyId: 'SUP-A', fixingFirmwareVersion: '38040405', fixInformation: '=HYPERLINK("x")', confirmation: null },
  sources: [{ kind: 'item', caseId: 'c1', providerPartyId: 'MFR-NW', identifier: '42', source: 'Device Manufacturer' }],
  verifiedAt: '2026-03-01T12:00:00.000Z',
  verifiedBy: 'dcc-verifier-1',
};

describe('what readers outside DCC see of a published item', () => {
  it('is the submission format’s fields under the canonical make and model, free text as provided', () => {
    expect(publishedFieldsOf(item, 'It freezes')).toEqual({
      identifier: '42',
      make: 'Northwind Metering',
      model: 'NW-E470',
      manufacturerId: '1A2B',
      smiModelId: '0000E470',
      submittedMake: 'northwind',
      submittedModel: 'e470',
      firmwareVersion: '38040404',
      deviceType: 'ESME',
      source: 'Device Manufacturer',
      statusOfInformation: 'Defect',
      dateLastUpdated: '2026-02-27',
      fixAvailable: true,
      fixInformation: '=HYPERLINK("x")',
      fixingFirmwareVersion: '38040405',
      description: 'It freezes',
    });
  });

  it('leaves out who verified, agreed, disputed or provided it, and the catalogue’s own ids', () => {
    const shown = JSON.stringify(publishedFieldsOf(item, null));
    for (const hidden of ['dcc-verifier-1', 'internal reason', 'SUP-A', 'MFR-NW', '"m"', '"mo"']) expect(shown).not.toContain(hidden);
    expect(Object.keys(publishedFieldsOf(item, null))).toEqual(PUBLISHED_FIELD_NAMES);
  });

  it('names each field a new version changed, from and to, in the API’s order', () => {
    const before = publishedFieldsOf(item, null);
    const after = publishedFieldsOf({ ...item, firmwareVersion: '38040500', fixAvailable: true, fix: { ...item.fix!, fixingFirmwareVersion: null }, dateLastUpdated: '2026-03-01' }, null);
    expect(changedFields(before, after)).toEqual([
      { field: 'firmwareVersion', from: '38040404', to: '38040500' },
      { field: 'dateLastUpdated', from: '2026-02-27', to: '2026-03-01' },
      { field: 'fixingFirmwareVersion', from: '38040405', to: null },
    ]);
    expect(changedFields(before, publishedFieldsOf({ ...item, verifiedBy: 'someone-else', sources: [] }, null))).toEqual([]);
  });
});
