import { DataSource } from 'typeorm';
import { spellingKey } from '../defect-catalogue';
import { ResolvedSpelling } from './defect-search';

export interface SpellingAsked {
  kind: 'make' | 'model';
  spelling: string;
}

/**
 * Makes and models as a reader wrote them: for each, the catalogue entries with that spelling (canonical or alias,
 * any case and spacing) and every spelling they have, the one asked for included. Search and the Device Model
 * Combination check match through it, so both find an item under the same names; all in one round trip, however
 * many members a check has.
 */
export async function resolveSpellings(dataSource: DataSource, asked: readonly SpellingAsked[]): Promise<(kind: 'make' | 'model', spelling: string) => ResolvedSpelling> {
  const wanted = [...new Map(asked.map(({ kind, spelling }) => [`${kind}:${spellingKey(spelling)}`, { kind, key: spellingKey(spelling) }])).values()];
  const rows: Array<{ kind: string; key: string; ids: string[]; keys: string[] }> =
    wanted.length === 0
      ? []
      : await dataSource.query(
          `SELECT a.kind, a.key,
                  coalesce(array_agg(DISTINCT s.entity_id) FILTER (WHERE s.entity_id IS NOT NULL), '{}') AS ids,
                  coalesce(array_agg(DISTINCT s.spelling_key) FILTER (WHERE s.spelling_key IS NOT NULL), '{}') AS keys
             FROM unnest($1::text[], $2::text[]) AS a(kind, key)
             LEFT JOIN catalogue_spellings named ON named.kind = a.kind AND named.spelling_key = a.key
             LEFT JOIN catalogue_spellings s ON s.kind = a.kind AND s.entity_id = named.entity_id
            GROUP BY a.kind, a.key`,
          [wanted.map((w) => w.kind), wanted.map((w) => w.key)],
        );
  const found = new Map(rows.map((row) => [`${row.kind}:${row.key}`, row]));
  return (kind, spelling) => {
    const key = spellingKey(spelling);
    const row = found.get(`${kind}:${key}`);
    if (row === undefined) throw new Error(`${kind} spelling ${key} was not asked for`);
    return { ids: row.ids, keys: [...new Set([key, ...row.keys])] };
  };
}
