import { IntakeItemRef } from '@smi/contracts';
import { SubmittedItem } from '../item-content/submitted-item';
import { DeviceKey, ItemState, MAX_LISTED_MATCHES, OtherProvidersItems, deviceKey } from './item.decider';

/** EntityManager, DataSource and QueryRunner all answer this. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

export interface HeldItem {
  readonly state: Extract<ItemState, { kind: 'held' }>;
  /** Stream version of item-<provider>-<identifier>: the expected version of the next append. */
  readonly version: number;
}

/** The columns of an item's content, as ITEM_CONTENT_COLUMNS selects them. */
export interface ItemContentRow {
  identifier: string;
  make: string;
  model: string;
  firmware_version: string;
  device_type: SubmittedItem['deviceType'];
  source: SubmittedItem['source'];
  status_of_information: SubmittedItem['statusOfInformation'];
  date_last_updated: string;
  fix_available: boolean;
  fix_information: string | null;
}

interface ItemRow extends ItemContentRow {
  content_hash: string;
  version: number;
}

export const ITEM_CONTENT_COLUMNS = `identifier::text AS identifier, make, model, firmware_version, device_type, source,
  status_of_information, to_char(date_last_updated, 'YYYY-MM-DD') AS date_last_updated, fix_available, fix_information`;

/**
 * Identifiers are validated digits, so their array literal needs no quoting; building it directly spares the
 * driver escaping thousands of elements per chunk.
 */
function bigintArray(identifiers: readonly string[]): string {
  return `{${identifiers.join(',')}}`;
}

/** An item's content from its read-model row. */
export function toItem(row: ItemContentRow): SubmittedItem {
  return {
    identifier: row.identifier,
    make: row.make,
    model: row.model,
    firmwareVersion: row.firmware_version,
    deviceType: row.device_type,
    source: row.source,
    statusOfInformation: row.status_of_information,
    dateLastUpdated: row.date_last_updated,
    fixAvailable: row.fix_available,
    fixInformation: row.fix_information,
  };
}

/** The held state of many of one provider's items in ONE query (one per chunk of a submission). */
export async function loadHeldItems(db: Queryable, providerPartyId: string, identifiers: readonly string[]): Promise<Map<string, HeldItem>> {
  const held = new Map<string, HeldItem>();
  if (identifiers.length === 0) return held;
  const rows: ItemRow[] = await db.query(
    `SELECT ${ITEM_CONTENT_COLUMNS}, content_hash, version FROM items
     WHERE provider_party_id = $1 AND identifier = ANY($2::bigint[])`,
    [providerPartyId, bigintArray(identifiers)],
  );
  for (const row of rows) {
    held.set(row.identifier, {
      state: { kind: 'held', providerPartyId, item: toItem(row), contentHash: row.content_hash },
      version: row.version,
    });
  }
  return held;
}

/** The make as compared across providers. */
export function makeKey(make: string): string {
  return make.toLowerCase();
}

/** Of `makeKeys`, those that some other provider has submitted items for. */
export async function makesSharedWithOthers(db: Queryable, providerPartyId: string, makeKeys: readonly string[]): Promise<Set<string>> {
  if (makeKeys.length === 0) return new Set();
  const rows: Array<{ make_key: string }> = await db.query(
    `SELECT DISTINCT make_key FROM item_provider_makes
     WHERE make_key IN (SELECT json_array_elements_text($2::json)) AND provider_party_id <> $1`,
    [providerPartyId, JSON.stringify(makeKeys)],
  );
  return new Set(rows.map((row) => row.make_key));
}

export async function rememberProviderMakes(db: Queryable, providerPartyId: string, makeKeys: readonly string[]): Promise<void> {
  if (makeKeys.length === 0) return;
  await db.query(
    `INSERT INTO item_provider_makes (make_key, provider_party_id)
     SELECT DISTINCT m, $1 FROM json_array_elements_text($2::json) AS m
     ON CONFLICT DO NOTHING`,
    [providerPartyId, JSON.stringify(makeKeys)],
  );
}

/**
 * For each distinct device among `devices`, the items other providers hold for it: up to
 * MAX_LISTED_MATCHES listed (by provider, Identifier) and the total. One query for the lot.
 */
export async function findOtherProvidersItems(
  db: Queryable,
  providerPartyId: string,
  devices: readonly DeviceKey[],
): Promise<Map<string, OtherProvidersItems>> {
  const distinct = new Map<string, DeviceKey>();
  for (const device of devices) distinct.set(deviceKey(device), device);
  const found = new Map<string, { matches: IntakeItemRef[]; matchCount: number }>();
  if (distinct.size === 0) return found;
  const keys = [...distinct.keys()];
  // One JSON parameter rather than parallel arrays: PostgreSQL parses it in one go and the driver does not
  // have to escape every element into array literals.
  const wanted = JSON.stringify(
    [...distinct.values()].map((d) => ({ make: d.make, model: d.model, firmware_version: d.firmwareVersion, device_type: d.deviceType })),
  );
  const rows: Array<{ idx: string; provider_party_id: string; identifier: string; total: string }> = await db.query(
    `SELECT d.idx::text AS idx, m.provider_party_id, m.identifier::text AS identifier, m.total::text AS total
     FROM ROWS FROM (json_to_recordset($2::json) AS (make text, model text, firmware_version text, device_type text))
       WITH ORDINALITY AS d(make, model, firmware_version, device_type, idx)
     CROSS JOIN LATERAL (
       SELECT i.provider_party_id, i.identifier, count(*) OVER () AS total
       FROM items i
       WHERE lower(i.make) = lower(d.make) AND lower(i.model) = lower(d.model)
         AND i.firmware_version = d.firmware_version AND i.device_type = d.device_type
         AND i.provider_party_id <> $1
       ORDER BY i.provider_party_id, i.identifier
       LIMIT ${MAX_LISTED_MATCHES}
     ) m
     ORDER BY d.idx, m.provider_party_id, m.identifier`,
    [providerPartyId, wanted],
  );
  for (const row of rows) {
    const key = keys[Number(row.idx) - 1];
    const entry = found.get(key) ?? { matches: [], matchCount: Number(row.total) };
    entry.matches.push({ providerPartyId: row.provider_party_id, identifier: row.identifier });
    found.set(key, entry);
  }
  return found;
}

export interface ItemWrite {
  readonly item: SubmittedItem;
  readonly contentHash: string;
  /** Stream version after this submission's events. */
  readonly version: number;
  readonly row: number;
}

/** Inserts new items and updates revised ones, one statement for the whole chunk. */
export async function upsertItems(
  db: Queryable,
  providerPartyId: string,
  submissionId: string,
  at: string,
  writes: readonly ItemWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  const rows = JSON.stringify(
    writes.map(({ item, contentHash, version, row }) => ({
      identifier: item.identifier,
      make: item.make,
      model: item.model,
      firmware_version: item.firmwareVersion,
      device_type: item.deviceType,
      source: item.source,
      status_of_information: item.statusOfInformation,
      date_last_updated: item.dateLastUpdated,
      fix_available: item.fixAvailable,
      fix_information: item.fixInformation,
      content_hash: contentHash,
      version,
      source_row: row,
    })),
  );
  await db.query(
    `INSERT INTO items (provider_party_id, identifier, make, model, firmware_version, device_type, source,
       status_of_information, date_last_updated, fix_available, fix_information, content_hash, version,
       first_submission_id, last_submission_id, last_row, created_at, updated_at)
     SELECT $1, r.identifier, r.make, r.model, r.firmware_version, r.device_type, r.source, r.status_of_information,
       r.date_last_updated, r.fix_available, r.fix_information, r.content_hash, r.version, $2::uuid, $2::uuid, r.source_row,
       $3::timestamptz, $3::timestamptz
     FROM json_to_recordset($4::json) AS r(identifier bigint, make text, model text, firmware_version text, device_type text,
       source text, status_of_information text, date_last_updated date, fix_available boolean, fix_information text,
       content_hash text, version int, source_row int)
     ON CONFLICT (provider_party_id, identifier) DO UPDATE SET
       make = EXCLUDED.make, model = EXCLUDED.model, firmware_version = EXCLUDED.firmware_version,
       device_type = EXCLUDED.device_type, source = EXCLUDED.source, status_of_information = EXCLUDED.status_of_information,
       date_last_updated = EXCLUDED.date_last_updated, fix_available = EXCLUDED.fix_available,
       fix_information = EXCLUDED.fix_information, content_hash = EXCLUDED.content_hash, version = EXCLUDED.version,
       last_submission_id = EXCLUDED.last_submission_id, last_row = EXCLUDED.last_row, updated_at = EXCLUDED.updated_at`,
    [providerPartyId, submissionId, at, rows],
  );
}

export interface FlagWrite {
  readonly item: SubmittedItem;
  readonly matches: readonly IntakeItemRef[];
  readonly matchCount: number;
  readonly itemVersion: number;
}

export async function insertPossibleDuplicates(
  db: Queryable,
  providerPartyId: string,
  submissionId: string,
  at: string,
  flags: readonly FlagWrite[],
): Promise<void> {
  if (flags.length === 0) return;
  const rows = JSON.stringify(
    flags.map((flag) => ({
      identifier: flag.item.identifier,
      make: flag.item.make,
      model: flag.item.model,
      firmware_version: flag.item.firmwareVersion,
      device_type: flag.item.deviceType,
      matches: flag.matches,
      match_count: flag.matchCount,
      item_version: flag.itemVersion,
    })),
  );
  await db.query(
    `INSERT INTO item_possible_duplicates (provider_party_id, identifier, make, model, firmware_version, device_type,
       matches, match_count, submission_id, item_version, flagged_at)
     SELECT $1, r.identifier, r.make, r.model, r.firmware_version, r.device_type, r.matches, r.match_count, $2::uuid,
       r.item_version, $3::timestamptz
     FROM json_to_recordset($4::json) AS r(identifier bigint, make text, model text, firmware_version text, device_type text,
       matches jsonb, match_count int, item_version int)`,
    [providerPartyId, submissionId, at, rows],
  );
}
