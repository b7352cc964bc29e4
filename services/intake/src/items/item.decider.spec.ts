import { eventSchemaErrors } from '@smi/contracts';
import { given } from '@smi/decider';
import { SubmittedItem, contentHash } from '../item-content/submitted-item';
import { SAMPLE_ITEM } from '../item-content/test-support/sample-item';
import { ItemEvent, ItemSubmitted, NO_OTHER_PROVIDERS, SubmitItem, itemDecider, itemStreamId, needsDuplicateCheck } from './item.decider';

const at = '2026-11-25T10:00:00.000Z';
const later = '2026-11-26T09:30:00.000Z';
const first = '0b7c6a8e-1d7f-4c59-9a55-5f0e3f3c2a11';
const second = '6f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

// The sample item without a fix, so the revision below can bring one.
const item: SubmittedItem = { ...SAMPLE_ITEM, fixAvailable: false, fixInformation: null };

const submit = (overrides: Partial<SubmitItem> = {}): SubmitItem => ({
  type: 'SubmitItem',
  submissionId: first,
  providerPartyId: 'MFR-NW',
  item,
  otherProviders: NO_OTHER_PROVIDERS,
  at,
  ...overrides,
});

const submitted: ItemSubmitted = {
  type: 'ItemSubmitted',
  submissionId: first,
  providerPartyId: 'MFR-NW',
  ...item,
  contentHash: contentHash(item),
  submittedAt: at,
};

const hexcomMatch = { matches: [{ providerPartyId: 'CSP-HEXCOM', identifier: '77' }], matchCount: 1 };

describe('items: repeated information against what is held', () => {
  it('records a new item with its content hash', () => {
    given(itemDecider, []).when(submit()).then([submitted]);
  });

  it('records nothing when the provider sends the same content again', () => {
    given(itemDecider, [submitted]).when(submit({ submissionId: second, at: later })).thenNothingHappens();
  });

  it('records a revision with each changed field, old and new, and the whole new content', () => {
    const fixed: SubmittedItem = { ...item, statusOfInformation: 'Fix', fixAvailable: true, fixInformation: 'Upgrade to 00020130' };
    given(itemDecider, [submitted])
      .when(submit({ submissionId: second, item: fixed, at: later }))
      .then([
        {
          type: 'ItemRevised',
          submissionId: second,
          providerPartyId: 'MFR-NW',
          ...fixed,
          contentHash: contentHash(fixed),
          previousContentHash: contentHash(item),
          changes: [
            { field: 'statusOfInformation', from: 'Defect', to: 'Fix' },
            { field: 'fixAvailable', from: false, to: true },
            { field: 'fixInformation', from: null, to: 'Upgrade to 00020130' },
          ],
          revisedAt: later,
        },
      ]);
  });

  it('flags a new item naming the same device as another provider’s item, on the new item’s stream', () => {
    given(itemDecider, [])
      .when(submit({ otherProviders: hexcomMatch }))
      .then([
        submitted,
        {
          type: 'PossibleDuplicateFlagged',
          submissionId: first,
          providerPartyId: 'MFR-NW',
          identifier: '1001',
          make: 'Northwind Metering',
          model: 'NW-E470',
          firmwareVersion: '0002012F',
          deviceType: 'ESME',
          matches: [{ providerPartyId: 'CSP-HEXCOM', identifier: '77' }],
          matchCount: 1,
          flaggedAt: at,
        },
      ]);
  });

  it('flags a revision only when it moves the item to another device', () => {
    const otherFirmware = { ...item, firmwareVersion: '00020130' };
    given(itemDecider, [submitted])
      .when(submit({ item: otherFirmware, otherProviders: hexcomMatch }))
      .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['ItemRevised', 'PossibleDuplicateFlagged']));
    const otherStatus = { ...item, statusOfInformation: 'Issue' as const };
    given(itemDecider, [submitted])
      .when(submit({ item: otherStatus, otherProviders: hexcomMatch }))
      .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['ItemRevised']));
  });

  it('lists at most 20 matches but counts them all', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ providerPartyId: `MFR-${i}`, identifier: String(i) }));
    given(itemDecider, [])
      .when(submit({ otherProviders: { matches: many, matchCount: 25 } }))
      .thenMatches((events) => {
        const flag = events[1];
        expect(flag.type === 'PossibleDuplicateFlagged' && [flag.matches.length, flag.matchCount]).toEqual([20, 25]);
      });
  });

  it('asks for a duplicate check only for new items and changed devices (make and model in any case)', () => {
    const held = given(itemDecider, [submitted]).state();
    expect(needsDuplicateCheck(itemDecider.initialState(), item)).toBe(true);
    expect(needsDuplicateCheck(held, { ...item, make: 'NORTHWIND METERING', model: 'nw-e470', fixAvailable: true })).toBe(false);
    expect(needsDuplicateCheck(held, { ...item, deviceType: 'GSME' })).toBe(true);
  });

  it('keys streams by provider and Identifier', () => {
    expect(itemStreamId('MFR-NW', '1001')).toBe('item-MFR-NW-1001');
  });
});

describe('item events match their published contracts', () => {
  const events: ItemEvent[] = [
    ...given(itemDecider, []).when(submit({ otherProviders: hexcomMatch })).thenMatches(() => undefined),
    ...given(itemDecider, [submitted])
      .when(submit({ item: { ...item, firmwareVersion: '00020130', fixAvailable: true, fixInformation: '=HYPERLINK("x")' }, otherProviders: hexcomMatch }))
      .thenMatches(() => undefined),
  ];

  it.each(events.map((event) => [event.type, event] as const))('%s validates against contracts/events/intake', (type, event) => {
    const { type: _type, ...data } = event;
    expect(eventSchemaErrors('intake', type, 1, data)).toEqual([]);
  });
});
