import { textProblem } from '@smi/service-runtime';
import { entityMatchKeysSql, firmwareKey, firmwareMatchKey, NEUTRAL_ORDER, spellingKey } from '../defect-catalogue';
import { DCC_VIEW_COLUMNS, PUBLISHED_VIEW_COLUMNS } from './defect-views';
import { decodeCursor, encodeCursor } from './page-cursor';

/*
 * One search over either item read model (dcc_items for DCC, published_items for everyone else): both have the
 * same match and order columns (defect-catalogue/search-columns.ts). Results come in the neutral order (R1):
 * make, model, firmware version, Identifier (as a number; none last), then the item's id, all compared by code
 * point after the keys' case folding. Full-text search filters, it never ranks.
 */

export interface SearchCriteria {
  make?: string;
  model?: string;
  /** Exact, or the beginning of a version. */
  firmware?: { match: 'exact' | 'prefix'; key: string };
  deviceType?: string;
  statusOfInformation?: string;
  source?: string;
  fixAvailable?: boolean;
  updatedSince?: string;
  q?: string;
}

export interface SearchInput {
  make?: string;
  model?: string;
  firmwareVersion?: string;
  deviceType?: string;
  statusOfInformation?: string;
  source?: string;
  fixAvailable?: 'true' | 'false';
  updatedSince?: string;
  q?: string;
}

/** The query's keys as the read models compare them. */
export function criteriaOf(input: SearchInput): SearchCriteria {
  const firmware = input.firmwareVersion;
  return {
    make: input.make,
    model: input.model,
    firmware:
      firmware === undefined ? undefined : firmware.endsWith('*') ? { match: 'prefix', key: firmwareKey(firmware.slice(0, -1)) } : { match: 'exact', key: firmwareKey(firmware) },
    deviceType: input.deviceType,
    statusOfInformation: input.statusOfInformation,
    source: input.source,
    fixAvailable: input.fixAvailable === undefined ? undefined : input.fixAvailable === 'true',
    updatedSince: input.updatedSince,
    q: input.q,
  };
}

export interface SearchPlan {
  sql: string;
  params: unknown[];
}

/**
 * What a page reads: the view's columns and the row's place in the neutral order for the next cursor (the
 * Identifier's sort key as text: a bigint past 2^53 would not survive a JavaScript number).
 */
const SELECTED = {
  dcc_items: [...DCC_VIEW_COLUMNS, 'sort_make', 'sort_model', 'sort_firmware', 'sort_identifier::text AS sort_identifier_text'].join(', '),
  published_items: [...PUBLISHED_VIEW_COLUMNS, 'sort_make', 'sort_model', 'sort_firmware', 'sort_identifier::text AS sort_identifier_text'].join(', '),
};

export function searchPlan(
  view: 'dcc_items' | 'published_items',
  criteria: SearchCriteria,
  after: string[] | undefined,
  limit: number,
): SearchPlan {
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  // Make, model and exact firmware through match_keys' GIN index alone (keys.ts): any entry of the make as the
  // catalogue knows it by that spelling (canonical or alias, any case and spacing), any of the model's, and the
  // firmware's. The catalogue is read in this same statement.
  for (const [kind, spelling] of [['make', criteria.make], ['model', criteria.model]] as const) {
    if (spelling !== undefined) where.push(`match_keys && ${entityMatchKeysSql(kind, p(spellingKey(spelling)))}`);
  }
  if (criteria.firmware?.match === 'exact') where.push(`match_keys @> ${p([firmwareMatchKey(criteria.firmware.key)])}::text[]`);
  if (criteria.firmware?.match === 'prefix') where.push(`firmware_key LIKE ${p(`${escapeLike(criteria.firmware.key)}%`)}`);
  if (criteria.deviceType !== undefined) where.push(`device_type = ${p(criteria.deviceType)}`);
  if (criteria.statusOfInformation !== undefined) where.push(`status_of_information = ${p(criteria.statusOfInformation)}`);
  if (criteria.source !== undefined) where.push(`source = ${p(criteria.source)}`);
  if (criteria.fixAvailable !== undefined) where.push(`fix_available = ${p(criteria.fixAvailable)}`);
  if (criteria.updatedSince !== undefined) where.push(`updated_at >= ${p(criteria.updatedSince)}::timestamptz`);
  if (criteria.q !== undefined) where.push(`search @@ websearch_to_tsquery('english', ${p(criteria.q)})`);
  if (after !== undefined) {
    const [make, model, firmware, identifier, id] = after;
    where.push(`(${NEUTRAL_ORDER.join(', ')}) > (${p(make)}::text, ${p(model)}::text, ${p(firmware)}::text, ${p(identifier)}::bigint, ${p(id)}::text)`);
  }
  const sql = `SELECT ${SELECTED[view]} FROM ${view}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${NEUTRAL_ORDER.join(', ')} LIMIT ${p(limit + 1)}`;
  return { sql, params };
}

export interface CursorRow {
  sort_make: string;
  sort_model: string;
  sort_firmware: string;
  sort_identifier_text: string;
  case_id: string;
}

/** A row's whole place in the neutral order: what a keyset page continues after. */
export function sortKeyOf(row: CursorRow): string[] {
  return [row.sort_make, row.sort_model, row.sort_firmware, row.sort_identifier_text, row.case_id];
}

export function searchCursorAfter(row: CursorRow): string {
  return encodeCursor(sortKeyOf(row));
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** A cursor's parts go back to PostgreSQL: each must be text a column can hold, the Identifier's a bigint. */
export function decodeSearchCursor(cursor: string | undefined): string[] | undefined {
  return decodeCursor(cursor, 5, (part, index) =>
    index === 3 ? /^[0-9]{1,19}$/.test(part) && BigInt(part) <= MAX_BIGINT : part.length <= 300 && textProblem(part) === undefined,
  );
}

/** LIKE treats %, _ and its escape character as wildcards: a firmware prefix is matched as written. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
