import { catalogueSpellingsProjection } from './catalogue-spellings.projection';
import { dccItemsProjection } from './dcc-items.projection';
import { publishedItemVersionsProjection } from './published-item-versions.projection';
import { publishedItemsProjection } from './published-items.projection';

export { catalogueSpellingsProjection, dccItemsProjection, publishedItemsProjection, publishedItemVersionsProjection };
export { DccItem, evolveDccItem, DccItemEvent, DCC_ITEM_EVENT_TYPES } from './dcc-item';
export { PublishedItemRow } from './published-items.projection';
export { PublishedItemVersionRow, VersionChange } from './published-item-versions.projection';
export { FieldChange, PublishedFields, PUBLISHED_FIELD_NAMES, changedFields, publishedFieldsOf } from './published-fields';
export { entityMatchKeysSql, firmwareKey, firmwareMatchKey, matchKeysOf, spellingKey, NO_IDENTIFIER } from './keys';
export { NEUTRAL_ORDER } from './search-columns';
export { foldIntoRows, FoldedRows, quoteIdent } from './sql';

/** The read models of the defects database, registered with the platform's projection runner (app.module.ts). */
export const DEFECT_CATALOGUE_PROJECTIONS = [catalogueSpellingsProjection, dccItemsProjection, publishedItemsProjection, publishedItemVersionsProjection];
export { ITEM_FIELD_COLUMNS } from './item-columns';
