import { PartyDetailsChangedData, PartyRegisteredData } from '@smi/contracts';
import { RecordedEvent } from '@smi/event-store';
import { Projection } from '@smi/projections';
import { EntityManager } from 'typeorm';
import { quoteIdent } from './sql';

/**
 * `parties`: the party registry as intake publishes it, for the names a release's cover sheet gives the
 * providers. A change of name replaces the name; a party is never removed (intake never removes one).
 */
export const partiesProjection: Projection = {
  name: 'parties',
  version: 1,
  eventTypes: ['PartyRegistered', 'PartyDetailsChanged'],

  async createSchema(manager: EntityManager, table: string) {
    await manager.query(`
      CREATE TABLE ${quoteIdent(table)} (
        party_id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        party_type text NOT NULL,
        registered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
  },

  async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
    // In order, one statement each: the registry changes a few times a year, and a rename must follow its registration.
    for (const event of events) {
      if (event.type === 'PartyRegistered') {
        const data = event.data as PartyRegisteredData;
        await manager.query(
          `INSERT INTO ${quoteIdent(table)} (party_id, name, party_type, registered_at, updated_at) VALUES ($1, $2, $3, $4, $4)
           ON CONFLICT (party_id) DO NOTHING`,
          [data.partyId, data.name, data.partyType, data.registeredAt],
        );
      } else {
        const data = event.data as PartyDetailsChangedData;
        await manager.query(`UPDATE ${quoteIdent(table)} SET name = $2, updated_at = $3 WHERE party_id = $1`, [data.partyId, data.name, data.changedAt]);
      }
    }
  },
};
