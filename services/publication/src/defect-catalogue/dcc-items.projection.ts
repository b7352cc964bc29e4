import { RecordedEvent } from '@smi/event-store';
import { Projection } from '@smi/projections';
import { EntityManager } from 'typeorm';
import { DCC_ITEM_EVENT_TYPES, DccItem, DccItemEvent, evolveDccItem } from './dcc-item';
import { ITEM_FIELD_COLUMNS } from './item-columns';
import { createSearchIndexes, SEARCH_COLUMNS_SQL, SEARCH_KEY_COLUMNS } from './search-columns';
import { foldIntoRows, FoldedRows, quoteIdent } from './sql';

/** Every column but the generated `search` (the order is the statement's, not the table's). */
const COLUMNS: ReadonlyArray<keyof DccItem> = [
  'case_id',
  'case_kind',
  'state',
  'provider_party_id',
  ...ITEM_FIELD_COLUMNS,
  'make_id',
  'model_id',
  'verified',
  'verified_content',
  'attached_fix',
  'published',
  'published_version',
  'version',
  'opened_at',
  'updated_at',
  ...SEARCH_KEY_COLUMNS,
];

/** One row per case, folded from its events by evolveDccItem. */
const DCC_ITEMS: FoldedRows<DccItem> = {
  key: 'case_id',
  columns: COLUMNS,
  keyOf: (event) => (event.data as { caseId: string }).caseId,
  async read(manager, table, caseIds) {
    const rows: Array<{ row: DccItem }> = await manager.query(
      // sort_identifier as text: JSON numbers past 2^53 would not come back as they went in.
      `SELECT to_jsonb(t) - 'search' || jsonb_build_object('sort_identifier', t.sort_identifier::text) AS row
         FROM ${quoteIdent(table)} t WHERE case_id = ANY($1::text[])`,
      [caseIds],
    );
    return rows.map(({ row }) => row);
  },
  evolve: (item, event) => evolveDccItem(item, { type: event.type, data: event.data } as DccItemEvent),
  // evolveDccItem makes a case's row from CaseOpened alone.
  startsRow: (event) => event.type === 'CaseOpened',
};

/**
 * `dcc_items`: DCC's view of every case in every state (one row per case, see dcc-item.ts), from the case
 * events copied from verification.events. Read by DCC's search and item endpoints only.
 */
export const dccItemsProjection: Projection = {
  name: 'dcc_items',
  // 2: match_keys for make, model and firmware (search-columns.ts); a deployment at 1 rebuilds beside the live table.
  version: 2,
  eventTypes: [...DCC_ITEM_EVENT_TYPES],

  async createSchema(manager: EntityManager, table: string) {
    await manager.query(`
      CREATE TABLE ${quoteIdent(table)} (
        case_id text COLLATE "C" PRIMARY KEY,
        case_kind text NOT NULL,
        state text NOT NULL,
        provider_party_id text NOT NULL,
        identifier text,
        submitted_make text,
        submitted_model text,
        firmware_version text,
        device_type text,
        source text NOT NULL,
        status_of_information text NOT NULL,
        date_last_updated text,
        fix_available boolean NOT NULL,
        fix_information text,
        fixing_firmware_version text,
        description text,
        make_id text,
        make text,
        manufacturer_id text,
        model_id text,
        model text,
        smi_model_id text,
        verified boolean NOT NULL,
        verified_content jsonb,
        attached_fix jsonb,
        published boolean NOT NULL,
        published_version integer,
        version integer NOT NULL,
        opened_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        ${SEARCH_COLUMNS_SQL}
      )`);
    await createSearchIndexes(manager, table);
  },

  async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
    await foldIntoRows(manager, events, table, DCC_ITEMS);
  },
};
