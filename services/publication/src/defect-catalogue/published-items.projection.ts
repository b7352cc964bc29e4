import { ItemPublishableData, ItemWithdrawnData, PublishedItemData } from '@smi/contracts';
import { RecordedEvent } from '@smi/event-store';
import { Projection } from '@smi/projections';
import { EntityManager } from 'typeorm';
import { ITEM_FIELD_COLUMNS } from './item-columns';
import { firmwareKey, identifierSortKey, matchKeysOf, spellingKey } from './keys';
import { PublishedFields, publishedFieldsOf } from './published-fields';
import { createSearchIndexes, SEARCH_COLUMNS_SQL, SEARCH_KEY_COLUMNS } from './search-columns';
import { quoteIdent, reportDescriptions, unique, upsertRows } from './sql';

/** The events that move an item's published version: it never goes back to an older one. */
export const PUBLICATION_EVENT_TYPES = ['ItemPublishable', 'ItemWithdrawn'] as const;

export interface PublishedItemRow {
  case_id: string;
  version: number;
  case_kind: string;
  identifier: string | null;
  make: string;
  model: string;
  manufacturer_id: string | null;
  smi_model_id: string | null;
  submitted_make: string;
  submitted_model: string;
  firmware_version: string;
  device_type: string | null;
  source: string;
  status_of_information: string;
  date_last_updated: string;
  fix_available: boolean;
  fix_information: string | null;
  fixing_firmware_version: string | null;
  description: string | null;
  make_id: string;
  model_id: string;
  /** The item as verification published it, whole: DCC's, never shown to other readers. */
  item: PublishedItemData;
  first_published_at: string;
  updated_at: string;
  make_key: string;
  submitted_make_key: string;
  model_key: string;
  submitted_model_key: string;
  firmware_key: string;
  sort_make: string;
  sort_model: string;
  sort_firmware: string;
  sort_identifier: string;
  match_keys: string[];
}

const COLUMNS: ReadonlyArray<keyof PublishedItemRow> = [
  'case_id',
  'version',
  'case_kind',
  ...ITEM_FIELD_COLUMNS,
  'make_id',
  'model_id',
  'item',
  'first_published_at',
  'updated_at',
  ...SEARCH_KEY_COLUMNS,
];

/**
 * `published_items`: what every reader of the database may see (R7: published items only, all with a
 * confirmed fix), one row per item at its latest published version. `ItemPublishable` inserts or replaces the
 * row, `ItemWithdrawn` deletes it; an event whose version is not above the last one applied for the item is
 * passed over, so the view never goes back to an older version.
 */
export const publishedItemsProjection: Projection = {
  name: 'published_items',
  // 2: the device match index (affected devices); 3: match_keys for make, model and firmware (search-columns.ts).
  // A deployment at an older version rebuilds the table beside the live one.
  version: 3,
  eventTypes: [...PUBLICATION_EVENT_TYPES],

  async createSchema(manager: EntityManager, table: string) {
    await manager.query(`
      CREATE TABLE ${quoteIdent(table)} (
        case_id text COLLATE "C" PRIMARY KEY,
        version integer NOT NULL,
        case_kind text NOT NULL,
        identifier text,
        make text NOT NULL,
        model text NOT NULL,
        manufacturer_id text,
        smi_model_id text,
        submitted_make text NOT NULL,
        submitted_model text NOT NULL,
        firmware_version text NOT NULL,
        device_type text,
        source text NOT NULL,
        status_of_information text NOT NULL,
        date_last_updated text NOT NULL,
        fix_available boolean NOT NULL,
        fix_information text,
        fixing_firmware_version text,
        description text,
        make_id text NOT NULL,
        model_id text NOT NULL,
        item jsonb NOT NULL,
        first_published_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        ${SEARCH_COLUMNS_SQL}
      )`);
    await createSearchIndexes(manager, table);
    // What a device in the inventory is matched on (affected-devices/): its SMI manufacturer id, model id and firmware.
    await manager.query(`CREATE INDEX ${quoteIdent(`${table}_device_match`)} ON ${quoteIdent(table)} (manufacturer_id, smi_model_id, firmware_key)`);
  },

  async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
    const streamIds = unique(events.map((event) => event.streamId));
    const lastVersions = await lastPublicationVersions(manager, streamIds, events[0]);
    const descriptions = await reportDescriptions(manager, streamIds);
    const existing: Array<{ case_id: string; first_published_at: Date }> = await manager.query(
      `SELECT case_id, first_published_at FROM ${quoteIdent(table)} WHERE case_id = ANY($1::text[])`,
      [unique(events.map((event) => (event.data as { caseId: string }).caseId))],
    );
    const firstPublished = new Map(existing.map((row) => [row.case_id, row.first_published_at.toISOString()]));
    // The batch's outcome per item: its row, or null when it was withdrawn.
    const outcome = new Map<string, PublishedItemRow | null>();
    for (const event of events) {
      const data = event.data as ItemPublishableData | ItemWithdrawnData;
      if (data.version <= (lastVersions.get(event.streamId) ?? 0)) continue;
      lastVersions.set(event.streamId, data.version);
      if (event.type === 'ItemWithdrawn') {
        outcome.set(data.caseId, null);
        firstPublished.delete(data.caseId);
        continue;
      }
      const since = firstPublished.get(data.caseId) ?? data.at;
      firstPublished.set(data.caseId, since);
      outcome.set(data.caseId, publishedRow(data as ItemPublishableData, descriptions.get(event.streamId) ?? null, since));
    }
    const withdrawn = [...outcome].filter(([, row]) => row === null).map(([caseId]) => caseId);
    if (withdrawn.length > 0) await manager.query(`DELETE FROM ${quoteIdent(table)} WHERE case_id = ANY($1::text[])`, [withdrawn]);
    await upsertRows(manager, table, 'case_id', COLUMNS, [...outcome.values()].filter((row): row is PublishedItemRow => row !== null));
  },
};

function publishedRow(data: ItemPublishableData, description: string | null, firstPublishedAt: string): PublishedItemRow {
  const { item } = data;
  const fields: PublishedFields = publishedFieldsOf(item, description);
  const makeKey = spellingKey(fields.make);
  const modelKey = spellingKey(fields.model);
  const firmware = firmwareKey(fields.firmwareVersion);
  const submittedMakeKey = spellingKey(fields.submittedMake);
  const submittedModelKey = spellingKey(fields.submittedModel);
  return {
    case_id: data.caseId,
    version: data.version,
    case_kind: item.caseKind,
    identifier: fields.identifier,
    make: fields.make,
    model: fields.model,
    manufacturer_id: fields.manufacturerId,
    smi_model_id: fields.smiModelId,
    submitted_make: fields.submittedMake,
    submitted_model: fields.submittedModel,
    firmware_version: fields.firmwareVersion,
    device_type: fields.deviceType,
    source: fields.source,
    status_of_information: fields.statusOfInformation,
    date_last_updated: fields.dateLastUpdated,
    fix_available: fields.fixAvailable,
    fix_information: fields.fixInformation,
    fixing_firmware_version: fields.fixingFirmwareVersion,
    description: fields.description,
    make_id: item.canonical.makeId,
    model_id: item.canonical.modelId,
    item,
    first_published_at: firstPublishedAt,
    updated_at: data.at,
    make_key: makeKey,
    submitted_make_key: submittedMakeKey,
    model_key: modelKey,
    submitted_model_key: submittedModelKey,
    firmware_key: firmware,
    sort_make: makeKey,
    sort_model: modelKey,
    sort_firmware: firmware,
    sort_identifier: identifierSortKey(fields.identifier),
    match_keys: matchKeysOf({
      makeId: item.canonical.makeId,
      makeKey,
      submittedMakeKey,
      modelId: item.canonical.modelId,
      modelKey,
      submittedModelKey,
      firmwareKey: firmware,
    }),
  };
}

/**
 * The highest version of `ItemPublishable` and `ItemWithdrawn` each stream had before this batch, read from the
 * event store: every such event before the batch's first one was applied in an earlier batch (the runner reads in
 * commit order), and a withdrawn item has no row left to remember its version by.
 */
async function lastPublicationVersions(manager: EntityManager, streamIds: string[], first: RecordedEvent): Promise<Map<string, number>> {
  const rows: Array<{ stream_id: string; version: number }> = await manager.query(
    `SELECT stream_id, max((data->>'version')::int) AS version FROM events
      WHERE stream_id = ANY($1::text[]) AND event_type = ANY($2::text[]) AND (transaction_id, position) < ($3::xid8, $4::bigint)
      GROUP BY stream_id`,
    [streamIds, PUBLICATION_EVENT_TYPES, first.transactionId, first.position],
  );
  return new Map(rows.map((row) => [row.stream_id, Number(row.version)]));
}
