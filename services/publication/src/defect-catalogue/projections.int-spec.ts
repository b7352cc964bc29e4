import { CanonicalDevice } from '@smi/contracts';
import { GivenEvent, givenEvents } from '@smi/testing';
import {
  itemContent,
  itemPublishable,
  itemWithdrawn,
  makeAdded,
  makeAliasAdded,
  makeChanged,
  modelAdded,
  modelAliasAdded,
  modelChanged,
  publishedItem,
  reportCaseOpened,
  VerificationEvent,
} from '../test-support/verification-events';
import { caseCopyStreamId, verificationCopyStreamId } from '../verification-feed';
import { catalogueSpellingsProjection } from './catalogue-spellings.projection';
import { publishedItemVersionsProjection } from './published-item-versions.projection';
import { publishedItemsProjection } from './published-items.projection';

const canonical: CanonicalDevice = { makeId: 'make-nw', make: 'Northwind Metering', manufacturerId: '1A2B', modelId: 'model-e470', model: 'NW-E470', smiModelId: '0000E470' };
const content = itemContent({ identifier: '42' });

/** Verification's events as the feed stores them: in the case's (or make's) copy stream. */
const onCase = (caseId: string, ...events: VerificationEvent[]): GivenEvent[] => events.map((e) => ({ streamId: caseCopyStreamId(caseId), ...e }));
const onMake = (makeId: string, ...events: VerificationEvent[]): GivenEvent[] => events.map((e) => ({ streamId: verificationCopyStreamId(`catalogue-make-${makeId}`), ...e }));

describe('published_items: published items only, never an older version', () => {
  it('keeps the latest version, removes a withdrawn item, and passes over a version that is not newer', async () => {
    const v2 = publishedItem('c1', canonical, content);
    const v4 = publishedItem('c1', canonical, { ...content, fixInformation: 'Upgrade to 38040406' });
    const rows = await givenEvents(publishedItemsProjection, [
      ...onCase('c1', itemPublishable('c1', 2, v2), itemPublishable('c1', 4, v4), itemPublishable('c1', 3, v2)),
      ...onCase('c2', itemPublishable('c2', 2, publishedItem('c2', canonical, content)), itemWithdrawn('c2', 3, publishedItem('c2', canonical, content), 'recalled')),
      // An old ItemPublishable after the withdrawal must not bring the item back.
      ...onCase('c2', itemPublishable('c2', 2, publishedItem('c2', canonical, content))),
    ]).rows('published_items');
    expect(rows.map((r) => [r.case_id, r.version, r.fix_information])).toEqual([['c1', 4, 'Upgrade to 38040406']]);
  });

  it('publishes an item again after a withdrawal, from the time of its new publication', async () => {
    const item = publishedItem('c1', canonical, content);
    const events = onCase('c1', itemPublishable('c1', 2, item), itemWithdrawn('c1', 3, item, 'recalled'), itemPublishable('c1', 5, item));
    const [row] = await givenEvents(publishedItemsProjection, events).rows('published_items');
    expect(row).toMatchObject({ version: 5, first_published_at: new Date((events[2].data as { at: string }).at) });
  });

  it('carries a report’s description, from the case’s first event, into full-text search', async () => {
    const report = publishedItem('r1', canonical, { ...content, identifier: null, source: 'SEC Party' }, 'report');
    const [row] = await givenEvents(publishedItemsProjection, [
      ...onCase(
        'r1',
        reportCaseOpened('r1', { reportId: 'R-000001', make: 'Northwind', model: 'NW-E470', firmwareVersion: '38040404', deviceType: 'ESME', statusOfInformation: 'Defect', description: 'Display freezes' }),
        itemPublishable('r1', 2, report),
      ),
    ]).rows('published_items');
    expect(row).toMatchObject({ description: 'Display freezes', sort_identifier: '9223372036854775807', make_key: 'northwind metering', firmware_key: '38040404' });
    expect(String(row.search)).toContain("'freez'");
  });
});

describe('published_item_versions: every published version and what it changed', () => {
  it('records added, changed with each field, withdrawn with what was withdrawn, and added again', async () => {
    const v2 = publishedItem('c1', canonical, content);
    const v3 = publishedItem('c1', canonical, { ...content, firmwareVersion: '38040500' });
    const rows = await givenEvents(publishedItemVersionsProjection, [
      ...onCase('c1', itemPublishable('c1', 2, v2), itemPublishable('c1', 3, v3), itemPublishable('c1', 3, v2), itemWithdrawn('c1', 4, v3, 'recalled'), itemPublishable('c1', 6, v3)),
    ]).rows('published_item_versions');
    expect(rows.sort((a, b) => Number(a.version) - Number(b.version)).map((r) => [r.version, r.change, r.changes, r.reason, (r.fields as { firmwareVersion: string }).firmwareVersion])).toEqual([
      [2, 'added', [], null, '38040404'],
      [3, 'changed', [{ field: 'firmwareVersion', from: '38040404', to: '38040500' }], null, '38040500'],
      [4, 'withdrawn', [], 'recalled', '38040500'],
      [6, 'added', [], null, '38040500'],
    ]);
  });
});

describe('catalogue_spellings: every spelling of every make and model', () => {
  it('keeps the canonical name, the aliases and a previous name, once each', async () => {
    await givenEvents(catalogueSpellingsProjection, [
      ...onMake('m1', makeAdded('m1', 'Acme Meters', ['ACME', 'acme  meters']), modelAdded('m1', 'x1', 'X1', ['X-1']), makeAliasAdded('m1', 'Acme Ltd'), makeChanged('m1', 'Acme Metering Group', 'Acme Meters')),
    ]).thenRows('catalogue_spellings', [
      { kind: 'make', entity_id: 'm1', make_id: 'm1', spelling_key: 'acme meters', spelling: 'Acme Meters', canonical: false },
      { kind: 'make', entity_id: 'm1', make_id: 'm1', spelling_key: 'acme', spelling: 'ACME', canonical: false },
      { kind: 'make', entity_id: 'm1', make_id: 'm1', spelling_key: 'acme ltd', spelling: 'Acme Ltd', canonical: false },
      { kind: 'make', entity_id: 'm1', make_id: 'm1', spelling_key: 'acme metering group', spelling: 'Acme Metering Group', canonical: true },
      { kind: 'model', entity_id: 'x1', make_id: 'm1', spelling_key: 'x1', spelling: 'X1', canonical: true },
      { kind: 'model', entity_id: 'x1', make_id: 'm1', spelling_key: 'x-1', spelling: 'X-1', canonical: false },
    ]);
  });

  it('keeps a model’s aliases and its previous name under its own id and its make, the new name canonical', async () => {
    await givenEvents(catalogueSpellingsProjection, [
      ...onMake('m1', makeAdded('m1', 'Acme Meters'), modelAdded('m1', 'x1', 'X1', ['X-1']), modelAliasAdded('m1', 'x1', 'X  One'), modelChanged('m1', 'x1', 'X1 Plus', 'X1')),
    ]).thenRows('catalogue_spellings', [
      { kind: 'make', entity_id: 'm1', make_id: 'm1', spelling_key: 'acme meters', spelling: 'Acme Meters', canonical: true },
      { kind: 'model', entity_id: 'x1', make_id: 'm1', spelling_key: 'x1', spelling: 'X1', canonical: false },
      { kind: 'model', entity_id: 'x1', make_id: 'm1', spelling_key: 'x-1', spelling: 'X-1', canonical: false },
      { kind: 'model', entity_id: 'x1', make_id: 'm1', spelling_key: 'x one', spelling: 'X  One', canonical: false },
      { kind: 'model', entity_id: 'x1', make_id: 'm1', spelling_key: 'x1 plus', spelling: 'X1 Plus', canonical: true },
    ]);
  });
});
