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
