import { CanonicalDevice, CaseOpenedData, IntakeItemContent, PublishedItemData } from '@smi/contracts';
import { DccItem, DccItemEvent, evolveDccItem } from './dcc-item';

const ACTOR = { userId: 'dcc-verifier-1', partyId: 'DCC', partyType: 'dcc', roles: ['verifier'] };
let minute = 0;
const base = () => ({ caseId: 'c1', actor: ACTOR, correlationId: 'r', at: new Date(Date.UTC(2026, 2, 2, 10, minute++)).toISOString() });
const canonical: CanonicalDevice = { makeId: 'm1', make: 'Northwind Metering', manufacturerId: '1A2B', modelId: 'x1', model: 'NW-E470', smiModelId: null };
const content: IntakeItemContent = {
  identifier: '42',
  make: ' northwind  ',
  model: 'E470',
  firmwareVersion: '3804ABCD',
  deviceType: 'ESME',
  source: 'Device Manufacturer',
  statusOfInformation: 'Defect',
  dateLastUpdated: '2026-02-27',
  fixAvailable: false,
  fixInformation: null,
};

const opened = (): DccItemEvent => ({
  type: 'CaseOpened',
  data: {
    ...base(),
    caseKind: 'item',
    subject: { kind: 'item', providerPartyId: 'MFR-NW', submissionId: 's', contentHash: 'h', submittedAt: '2026-03-01T00:00:00Z', ...content },
    accountable: null,
    fixReference: 'not-applicable',
  } satisfies CaseOpenedData,
});
const plain = (type: 'CaseClaimed' | 'InclusionDisputed' | 'CaseMarkedDuplicate'): DccItemEvent => ({ type, data: base() });
const verified = (outcome: 'verified' | 'awaiting-agreement' = 'verified'): DccItemEvent => ({
  type: 'CaseVerified',
  data: { ...base(), checks: { data: true, fixReference: true, presentation: true }, note: null, canonical, outcome },
});
const revised = (change: Partial<IntakeItemContent>): DccItemEvent => ({
  type: 'RevisionReceived',
  data: { ...base(), submissionId: 's2', contentHash: 'h2', previousContentHash: 'h', changes: [{ field: 'firmwareVersion', from: 'a', to: 'b' }], content: { ...content, ...change }, reopenedFrom: 'verified' },
});

function fold(events: DccItemEvent[]): DccItem | undefined {
  return events.reduce<DccItem | undefined>(evolveDccItem, undefined);
}

describe("DCC's view of a case", () => {
  it('opens queued and unverified, with the content as submitted and its match and order keys', () => {
    expect(fold([opened()])).toMatchObject({
      case_id: 'c1',
      state: 'queued',
      provider_party_id: 'MFR-NW',
      submitted_make: ' northwind  ',
      verified: false,
      published: false,
      fix_available: false,
      make: null,
      submitted_make_key: 'northwind',
      firmware_key: '3804abcd',
      sort_make: 'northwind',
      sort_identifier: '42',
    });
  });

  it('follows the case through the workflow and orders it by the canonical make once verified', () => {
    const item = fold([opened(), plain('CaseClaimed'), verified('awaiting-agreement')])!;
    expect(item).toMatchObject({ state: 'awaiting-agreement', verified: true, make: 'Northwind Metering', make_key: 'northwind metering', sort_make: 'northwind metering' });
    expect(fold([opened(), plain('CaseClaimed'), verified('awaiting-agreement'), plain('InclusionDisputed')])!.state).toBe('disputed');
    expect(fold([opened(), plain('CaseClaimed'), plain('CaseMarkedDuplicate')])!.state).toBe('duplicate');
  });

  it('shows a revision unverified until DCC verifies it; rejecting it restores the verified content', () => {
    const events = [opened(), plain('CaseClaimed'), verified(), revised({ firmwareVersion: '3804FFFF' })];
    expect(fold(events)).toMatchObject({ state: 'queued', verified: false, firmware_version: '3804FFFF' });
    const rejected = fold([...events, plain('CaseClaimed'), { type: 'CaseRejected', data: { ...base(), reason: 'no', restoredState: 'verified' } }]);
    expect(rejected).toMatchObject({ state: 'verified', verified: true, firmware_version: '3804ABCD' });
    expect(fold([opened(), plain('CaseClaimed'), { type: 'CaseRejected', data: { ...base(), reason: 'no', restoredState: null } }])!.state).toBe('rejected');
  });

  it('marks it published at the version published, and withdrawn when withdrawn', () => {
    const item = { caseId: 'c1' } as PublishedItemData;
    const published = fold([opened(), plain('CaseClaimed'), verified(), { type: 'ItemVerified', data: { ...base(), version: 1, item } }, { type: 'ItemPublishable', data: { ...base(), version: 2, item } }]);
    expect(published).toMatchObject({ published: true, published_version: 2, version: 2 });
    const withdrawn = evolveDccItem(published, { type: 'ItemWithdrawn', data: { ...base(), version: 3, reason: 'recalled', item } });
    expect(withdrawn).toMatchObject({ state: 'withdrawn', published: false, published_version: null, version: 3 });
  });

  it('takes a fix attached from a proposal while its own row has none', () => {
    const attached = fold([
      opened(),
      { type: 'FixAttached', data: { ...base(), fix: { fixId: 'F-000001', origin: 'proposal', proposerPartyId: 'SUP', fixingFirmwareVersion: '3804AC00', fixInformation: 'Patch', confirmation: null } } },
    ])!;
    expect(attached).toMatchObject({ fix_available: true, fix_information: 'Patch', fixing_firmware_version: '3804AC00' });
    expect(evolveDccItem(attached, revised({ firmwareVersion: '3804FFFF' }))).toMatchObject({ fix_available: true, fix_information: 'Patch' });
    expect(evolveDccItem(attached, revised({ fixAvailable: true, fixInformation: 'Own fix' }))).toMatchObject({ fix_information: 'Own fix', fixing_firmware_version: null });
  });

  it('passes over an event of a case it never saw opened', () => {
    expect(evolveDccItem(undefined, plain('CaseClaimed'))).toBeUndefined();
  });
});
