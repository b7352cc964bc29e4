/*
 * How the read models compare and order text. Make and model match ignoring case, surrounding and repeated
 * spaces (as verification's catalogue compares spellings); firmware versions ignoring case. The same keys are
 * written by the projections and computed for a query, in this one place, so a rebuild and a search can never
 * disagree on them.
 */

export function spellingKey(spelling: string): string {
  return spelling.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function firmwareKey(firmwareVersion: string): string {
  return firmwareVersion.toLowerCase();
}

/** The largest bigint: items without an Identifier (reports, fix proposals) sort after those with one. */
export const NO_IDENTIFIER = '9223372036854775807';

/** Identifiers are digits without leading zeros (at most 18), so as numbers they sort as people expect. */
export function identifierSortKey(identifier: string | null): string {
  return identifier !== null && /^[0-9]{1,18}$/.test(identifier) ? BigInt(identifier).toString() : NO_IDENTIFIER;
}

/*
 * What a reader's make, model and exact firmware version find an item by, as one array per row (`match_keys`, with a
 * GIN index, search-columns.ts): the make's and the model's catalogue ids, the keys of their canonical and submitted
 * spellings, and the firmware key. A search asks for rows holding the firmware entry and any of the make's and any
 * of the model's, which the index answers by itself however many items a make has: separate b-tree indexes had
 * PostgreSQL combine three bitmaps of every item of the make for each search.
 */
const MATCH_PREFIX = { makeId: 'make#', make: 'make:', modelId: 'model#', model: 'model:', firmware: 'fw:' } as const;

export interface ItemMatchKeys {
  makeId: string | null;
  makeKey: string | null;
  submittedMakeKey: string | null;
  modelId: string | null;
  modelKey: string | null;
  submittedModelKey: string | null;
  firmwareKey: string | null;
}

export function matchKeysOf(item: ItemMatchKeys): string[] {
  const entries: Array<[string, string | null]> = [
    [MATCH_PREFIX.makeId, item.makeId],
    [MATCH_PREFIX.make, item.makeKey],
    [MATCH_PREFIX.make, item.submittedMakeKey],
    [MATCH_PREFIX.modelId, item.modelId],
    [MATCH_PREFIX.model, item.modelKey],
    [MATCH_PREFIX.model, item.submittedModelKey],
    [MATCH_PREFIX.firmware, item.firmwareKey],
  ];
  return [...new Set(entries.filter((entry): entry is [string, string] => entry[1] !== null).map(([prefix, value]) => prefix + value))];
}

/**
 * The entries any one of which an item must hold to be of the make (or model) a reader named by the spelling key
 * in parameter `keyParam`: the catalogue ids of the entries with that spelling (canonical or alias) and every
 * spelling they have, read from catalogue_spellings inside the search's own statement (one round trip a search),
 * and the key itself, so a spelling the catalogue does not know still finds items submitted with it.
 */
export function entityMatchKeysSql(kind: 'make' | 'model', keyParam: string): string {
  const [idPrefix, keyPrefix] = kind === 'make' ? [MATCH_PREFIX.makeId, MATCH_PREFIX.make] : [MATCH_PREFIX.modelId, MATCH_PREFIX.model];
  const spellingsOfNamed = `FROM catalogue_spellings named JOIN catalogue_spellings s ON s.kind = named.kind AND s.entity_id = named.entity_id
      WHERE named.kind = '${kind}' AND named.spelling_key = ${keyParam}`;
  return `(SELECT array_agg(DISTINCT entry) FROM (
      SELECT '${idPrefix}' || s.entity_id AS entry ${spellingsOfNamed}
      UNION ALL SELECT '${keyPrefix}' || s.spelling_key ${spellingsOfNamed}
      UNION ALL SELECT '${keyPrefix}' || ${keyParam}::text) entries)`;
}

/** The entry an item of exactly this firmware version holds. */
export function firmwareMatchKey(key: string): string {
  return MATCH_PREFIX.firmware + key;
}
