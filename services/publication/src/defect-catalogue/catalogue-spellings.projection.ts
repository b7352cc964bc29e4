import { MakeAddedData, MakeAliasAddedData, MakeChangedData, ModelAddedData, ModelAliasAddedData, ModelChangedData } from '@smi/contracts';
import { RecordedEvent } from '@smi/event-store';
import { Projection } from '@smi/projections';
import { EntityManager } from 'typeorm';
import { spellingKey } from './keys';
import { quoteIdent } from './sql';

export const CATALOGUE_EVENT_TYPES = ['MakeAdded', 'MakeChanged', 'MakeAliasAdded', 'ModelAdded', 'ModelChanged', 'ModelAliasAdded'] as const;

/**
 * `catalogue_spellings`: every spelling of every make and model in DCC's catalogue (the canonical name and the
 * aliases, a previous name included), from the catalogue events on verification.events. A search by make or
 * model finds an item under any of them, ignoring case and spacing (keys.ts). Spellings only ever grow, as in
 * the catalogue: a rename makes the old name an alias.
 */
export const catalogueSpellingsProjection: Projection = {
  name: 'catalogue_spellings',
  version: 1,
  eventTypes: [...CATALOGUE_EVENT_TYPES],

  async createSchema(manager: EntityManager, table: string) {
    await manager.query(`
      CREATE TABLE ${quoteIdent(table)} (
        kind text NOT NULL CHECK (kind IN ('make', 'model')),
        entity_id text NOT NULL,
        make_id text NOT NULL,
        spelling_key text COLLATE "C" NOT NULL,
        spelling text NOT NULL,
        canonical boolean NOT NULL,
        PRIMARY KEY (kind, entity_id, spelling_key)
      )`);
    await manager.query(`CREATE INDEX ${quoteIdent(`${table}_spelling`)} ON ${quoteIdent(table)} (kind, spelling_key)`);
  },

  async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
    const t = quoteIdent(table);
    const add = (kind: 'make' | 'model', entityId: string, makeId: string, given: string[], canonical: string | null) => {
      // One row per key: one statement may not touch a row twice.
      const spellings = [...new Map(given.map((spelling) => [spellingKey(spelling), spelling] as const).reverse()).values()].reverse();
      return manager.query(
        `INSERT INTO ${t} (kind, entity_id, make_id, spelling_key, spelling, canonical)
         SELECT $1, $2, $3, s.key, s.spelling, s.key IS NOT DISTINCT FROM $6 FROM unnest($4::text[], $5::text[]) AS s(key, spelling)
         ON CONFLICT (kind, entity_id, spelling_key) DO UPDATE SET canonical = EXCLUDED.canonical OR ${t}.canonical`,
        [kind, entityId, makeId, spellings.map(spellingKey), spellings, canonical === null ? null : spellingKey(canonical)],
      );
    };
    const rename = async (kind: 'make' | 'model', entityId: string, makeId: string, name: string) => {
      await manager.query(`UPDATE ${t} SET canonical = false WHERE kind = $1 AND entity_id = $2`, [kind, entityId]);
      await manager.query(
        `INSERT INTO ${t} (kind, entity_id, make_id, spelling_key, spelling, canonical) VALUES ($1, $2, $3, $4, $5, true)
         ON CONFLICT (kind, entity_id, spelling_key) DO UPDATE SET canonical = true, spelling = EXCLUDED.spelling`,
        [kind, entityId, makeId, spellingKey(name), name],
      );
    };
    for (const event of events) {
      // Makes and models keep their spellings alike; a model's events also name the make it belongs to.
      const data = event.data as { makeId: string; modelId?: string };
      const kind = event.type.startsWith('Model') ? 'model' : 'make';
      const entityId = kind === 'model' ? data.modelId! : data.makeId;
      switch (event.type) {
        case 'MakeAdded':
        case 'ModelAdded': {
          const { name, aliases } = event.data as MakeAddedData | ModelAddedData;
          await add(kind, entityId, data.makeId, [name, ...aliases], name);
          break;
        }
        case 'MakeChanged':
        case 'ModelChanged':
          await rename(kind, entityId, data.makeId, (event.data as MakeChangedData | ModelChangedData).name);
          break;
        case 'MakeAliasAdded':
        case 'ModelAliasAdded':
          await add(kind, entityId, data.makeId, [(event.data as MakeAliasAddedData | ModelAliasAddedData).alias], null);
          break;
      }
    }
  },
};
