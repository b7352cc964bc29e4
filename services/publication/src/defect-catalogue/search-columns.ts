import { EntityManager } from 'typeorm';
import { quoteIdent } from './sql';

/*
 * The columns both item read models (dcc_items, published_items) are searched and ordered by, with the same
 * names and the same indexes, so one query serves either (defects/defect-search.ts).
 *
 * Keys and sort columns are collated "C" (compared by code point): the neutral order does not move with the
 * server's locale, and a keyset cursor compares exactly as the index orders. `match_keys` holds what make, model
 * and exact firmware are matched by (keys.ts). `search` is PostgreSQL full-text
 * search (English) over the description and the fix information, free text as provided.
 */
export const SEARCH_COLUMNS_SQL = `
  make_key text COLLATE "C",
  submitted_make_key text COLLATE "C",
  model_key text COLLATE "C",
  submitted_model_key text COLLATE "C",
  firmware_key text COLLATE "C",
  sort_make text COLLATE "C" NOT NULL,
  sort_model text COLLATE "C" NOT NULL,
  sort_firmware text COLLATE "C" NOT NULL,
  sort_identifier bigint NOT NULL,
  match_keys text[] COLLATE "C" NOT NULL,
  search tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(description, '') || ' ' || coalesce(fix_information, ''))) STORED`;

/** The columns of SEARCH_COLUMNS_SQL that each row writes (`search` is generated), in table order. */
export const SEARCH_KEY_COLUMNS = [
  'make_key',
  'submitted_make_key',
  'model_key',
  'submitted_model_key',
  'firmware_key',
  'sort_make',
  'sort_model',
  'sort_firmware',
  'sort_identifier',
  'match_keys',
] as const;

/** The order every list is in (R1, neutral): make, model, firmware version, Identifier, then the item's id. */
export const NEUTRAL_ORDER = ['sort_make', 'sort_model', 'sort_firmware', 'sort_identifier', 'case_id'] as const;

export async function createSearchIndexes(manager: EntityManager, table: string): Promise<void> {
  const t = quoteIdent(table);
  const index = (suffix: string) => quoteIdent(`${table}_${suffix}`);
  await manager.query(`CREATE INDEX ${index('order')} ON ${t} (${NEUTRAL_ORDER.join(', ')})`);
  // Make, model and exact firmware (keys.ts matchKeysOf); the b-tree on firmware_key serves a firmware prefix.
  await manager.query(`CREATE INDEX ${index('match_keys')} ON ${t} USING gin (match_keys)`);
  await manager.query(`CREATE INDEX ${index('firmware_key')} ON ${t} (firmware_key)`);
  await manager.query(`CREATE INDEX ${index('updated_at')} ON ${t} (updated_at)`);
  await manager.query(`CREATE INDEX ${index('search')} ON ${t} USING gin (search)`);
}
