import { CataloguePosition, DccEditionCounts, ReleaseEditionCounts } from '@smi/contracts';
import { EntityManager } from 'typeorm';
import { COMPARED_COLUMNS, Edition } from './release-rows';

/*
 * Copying the catalogue into a release, inside the cut's transaction (release-cut.handler.ts). Each edition is one
 * INSERT … SELECT from its read model, joined to the previous release's same edition to mark each row new,
 * updated or as it was; the rows never pass through this process, whatever their number.
 */

/** The read models a release is copied from, and those its cover sheet is drawn from. */
export const RELEASE_SOURCES = ['published_items', 'dcc_items', 'parties', 'data_requests', 'submissions_received'] as const;

const SOURCE: Record<Edition, string> = { public: 'published_items', dcc: 'dcc_items' };

/** Every column copied, in table order, as read from each edition's source (the public edition has no DCC marks). */
const COPIED: ReadonlyArray<{ column: string; public?: string }> = [
  { column: 'case_id' },
  { column: 'case_kind' },
  { column: 'identifier' },
  { column: 'make' },
  { column: 'model' },
  { column: 'submitted_make' },
  { column: 'submitted_model' },
  { column: 'manufacturer_id' },
  { column: 'smi_model_id' },
  { column: 'firmware_version' },
  { column: 'device_type' },
  { column: 'source' },
  { column: 'status_of_information' },
  { column: 'date_last_updated' },
  { column: 'fix_available' },
  { column: 'fix_information' },
  { column: 'fixing_firmware_version' },
  { column: 'description' },
  { column: 'version' },
  { column: 'state', public: 'NULL::text' },
  { column: 'verified', public: 'NULL::boolean' },
  { column: 'published', public: 'NULL::boolean' },
  { column: 'published_version', public: 'NULL::integer' },
  { column: 'provider_party_id', public: 'NULL::text' },
  { column: 'sort_make' },
  { column: 'sort_model' },
  { column: 'sort_firmware' },
  { column: 'sort_identifier' },
];

/**
 * The hash a row is compared by: what the edition exports (COMPARED_COLUMNS), as one JSON array's text. The same
 * list decides which fields a diff shows as changed, so a row marked `updated` always shows what changed.
 */
function contentHash(edition: Edition): string {
  return `md5(jsonb_build_array(${COMPARED_COLUMNS[edition].join(', ')})::text)`;
}

/** Copies the edition's read model into release `number`, each row marked against release `previous`. */
export async function copyEdition(manager: EntityManager, edition: Edition, number: number, previous: number | null): Promise<void> {
  const columns = COPIED.map((c) => c.column);
  const selected = COPIED.map((c) => (edition === 'public' && c.public ? `${c.public} AS ${c.column}` : c.column));
  await manager.query(
    `INSERT INTO release_items (release_number, edition, change, content_hash, ${columns.join(', ')})
     SELECT $1, $2,
            CASE WHEN prev.case_id IS NULL THEN 'new' WHEN prev.content_hash <> s.content_hash THEN 'updated' ELSE 'original' END,
            s.content_hash, ${columns.map((c) => `s.${c}`).join(', ')}
       FROM (SELECT ${selected.join(', ')}, ${contentHash(edition)} AS content_hash FROM ${SOURCE[edition]}) s
       LEFT JOIN release_items prev ON prev.release_number = $3 AND prev.edition = $2 AND prev.case_id = s.case_id`,
    [number, edition, previous],
  );
}

/** The edition's counts: by status of information and against the previous release (and, for DCC, by state). */
export async function countEdition(manager: EntityManager, edition: 'public', number: number, previous: number | null): Promise<ReleaseEditionCounts>;
export async function countEdition(manager: EntityManager, edition: 'dcc', number: number, previous: number | null): Promise<DccEditionCounts>;
export async function countEdition(manager: EntityManager, edition: Edition, number: number, previous: number | null): Promise<ReleaseEditionCounts | DccEditionCounts> {
  const [row]: Array<Record<string, number>> = await manager.query(
    `SELECT count(*)::int AS items,
            count(*) FILTER (WHERE status_of_information = 'Issue')::int AS issue,
            count(*) FILTER (WHERE status_of_information = 'Defect')::int AS defect,
            count(*) FILTER (WHERE status_of_information = 'Fix')::int AS fix,
            count(*) FILTER (WHERE change = 'new')::int AS new,
            count(*) FILTER (WHERE change = 'updated')::int AS updated,
            count(*) FILTER (WHERE change = 'original')::int AS original,
            count(*) FILTER (WHERE published)::int AS published,
            count(*) FILTER (WHERE verified IS FALSE)::int AS unverified
       FROM release_items WHERE release_number = $1 AND edition = $2`,
    [number, edition],
  );
  const [{ removed }]: Array<{ removed: number }> = await manager.query(
    `SELECT count(*)::int AS removed FROM release_items prev
      WHERE prev.release_number = $3 AND prev.edition = $2
        AND NOT EXISTS (SELECT 1 FROM release_items cur WHERE cur.release_number = $1 AND cur.edition = $2 AND cur.case_id = prev.case_id)`,
    [number, edition, previous],
  );
  const counts: ReleaseEditionCounts = {
    items: row.items,
    byStatusOfInformation: { Issue: row.issue, Defect: row.defect, Fix: row.fix },
    changes: { new: row.new, updated: row.updated, original: row.original, removed },
  };
  if (edition === 'public') return counts;
  const states: Array<{ state: string; count: number }> = await manager.query(
    `SELECT state, count(*)::int AS count FROM release_items WHERE release_number = $1 AND edition = 'dcc' GROUP BY state ORDER BY state`,
    [number],
  );
  return { ...counts, byState: Object.fromEntries(states.map((s) => [s.state, s.count])), published: row.published, unverified: row.unverified };
}

/** Where each read model stood in the store, as the cut's transaction sees it. */
export async function cataloguePositions(manager: EntityManager): Promise<Record<string, CataloguePosition>> {
  const rows: Array<{ projection: string; transaction_id: string; position: string }> = await manager.query(
    `SELECT s.projection, c.transaction_id::text AS transaction_id, c.position::text AS position
       FROM projection_state s JOIN projection_checkpoints c ON c.projection = s.projection AND c.table_name = s.active_table
      WHERE s.projection = ANY($1::text[]) ORDER BY s.projection`,
    [RELEASE_SOURCES],
  );
  return Object.fromEntries(rows.map((row) => [row.projection, { transactionId: row.transaction_id, position: row.position }]));
}
