import { DataSource } from 'typeorm';
import { spellingKey } from '../defect-catalogue';
import { ResolvedSpelling } from './defect-search';

/**
 * A make or model as a reader wrote it: the catalogue entries with that spelling (canonical or alias, any case and
 * spacing) and every spelling they have, the one asked for included. Search and the Device Model Combination
 * check match through it, so both find an item under the same names.
 */
export async function resolveSpelling(dataSource: DataSource, kind: 'make' | 'model', spelling: string): Promise<ResolvedSpelling> {
  const key = spellingKey(spelling);
  const [row]: Array<{ ids: string[]; keys: string[] }> = await dataSource.query(
    `SELECT coalesce(array_agg(DISTINCT s.entity_id), '{}') AS ids, coalesce(array_agg(DISTINCT s.spelling_key), '{}') AS keys
       FROM catalogue_spellings s
      WHERE s.kind = $1 AND s.entity_id IN (SELECT entity_id FROM catalogue_spellings WHERE kind = $1 AND spelling_key = $2)`,
    [kind, key],
  );
  return { ids: row.ids, keys: [...new Set([key, ...row.keys])] };
}
