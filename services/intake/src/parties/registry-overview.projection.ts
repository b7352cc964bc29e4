import { RecordedEvent } from '@smi/event-store';
import { Projection } from '@smi/projections';
import { EntityManager } from 'typeorm';

/**
 * Dashboard figures for DCC: how many parties of each type are registered and how many makes they
 * answer for. Asynchronous and rebuildable: nothing decides on it, so it need not share the write's
 * transaction.
 */
export const registryOverviewProjection: Projection = {
  name: 'registry_overview',
  version: 1,
  eventTypes: ['PartyRegistered', 'PartyDetailsChanged'],

  async createSchema(manager: EntityManager, table: string) {
    await manager.query(`CREATE TABLE ${table} (party_type text PRIMARY KEY, parties integer NOT NULL, makes integer NOT NULL)`);
  },

  async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
    for (const event of events) {
      if (event.type === 'PartyRegistered') {
        const data = event.data as { partyType: string; makes: string[] };
        await manager.query(
          `INSERT INTO ${table} (party_type, parties, makes) VALUES ($1, 1, $2)
           ON CONFLICT (party_type) DO UPDATE SET parties = ${table}.parties + 1, makes = ${table}.makes + EXCLUDED.makes`,
          [data.partyType, data.makes.length],
        );
      } else {
        const data = event.data as { partyId: string; makes: string[]; previous: { makes: string[] } };
        // The party type is not on the change event; it is on the party's first event, which sits in this database.
        await manager.query(
          `UPDATE ${table} SET makes = makes + $2
           WHERE party_type = (SELECT data->>'partyType' FROM events WHERE stream_id = $1 AND stream_version = 1)`,
          [`party-${data.partyId}`, data.makes.length - data.previous.makes.length],
        );
      }
    }
  },
};
