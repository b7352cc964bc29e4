import { DataRequestFulfilledData, DataRequestIssuedData, DataRequestOverdueData } from '@smi/contracts';
import { RecordedEvent } from '@smi/event-store';
import { Projection } from '@smi/projections';
import { EntityManager } from 'typeorm';
import { quoteIdent } from './sql';

/**
 * `data_requests`: DCC's requests to manufacturers and CSPs for their data, as intake decides them: `open` when
 * issued, `fulfilled` by a submission (late or not), `overdue` once its 15 working days have run out and nothing
 * came. The status follows intake's rules as its events say (an overdue request can still be fulfilled, a
 * fulfilled one is not made overdue); publication decides nothing about requests.
 */
export const dataRequestsProjection: Projection = {
  name: 'data_requests',
  version: 1,
  eventTypes: ['DataRequestIssued', 'DataRequestFulfilled', 'DataRequestOverdue'],

  async createSchema(manager: EntityManager, table: string) {
    await manager.query(`
      CREATE TABLE ${quoteIdent(table)} (
        request_id text COLLATE "C" PRIMARY KEY,
        provider_party_id text COLLATE "C" NOT NULL,
        provider_party_type text NOT NULL,
        agreed_delivery_date date NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'overdue', 'fulfilled')),
        issued_at timestamptz NOT NULL,
        overdue_since date,
        submission_id uuid,
        received_at timestamptz,
        late boolean
      )`);
    await manager.query(`CREATE INDEX ${quoteIdent(`${table}_due`)} ON ${quoteIdent(table)} (agreed_delivery_date, status)`);
  },

  async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
    const t = quoteIdent(table);
    for (const event of events) {
      switch (event.type) {
        case 'DataRequestIssued': {
          const data = event.data as DataRequestIssuedData;
          await manager.query(
            `INSERT INTO ${t} (request_id, provider_party_id, provider_party_type, agreed_delivery_date, status, issued_at) VALUES ($1, $2, $3, $4, 'open', $5)
             ON CONFLICT (request_id) DO NOTHING`,
            [data.requestId, data.providerPartyId, data.providerPartyType, data.agreedDeliveryDate, data.issuedAt],
          );
          break;
        }
        case 'DataRequestFulfilled': {
          const data = event.data as DataRequestFulfilledData;
          await manager.query(`UPDATE ${t} SET status = 'fulfilled', submission_id = $2, received_at = $3, late = $4 WHERE request_id = $1`, [
            data.requestId,
            data.submissionId,
            data.receivedAt,
            data.late,
          ]);
          break;
        }
        case 'DataRequestOverdue': {
          const data = event.data as DataRequestOverdueData;
          await manager.query(`UPDATE ${t} SET status = 'overdue', overdue_since = $2 WHERE request_id = $1 AND status = 'open'`, [data.requestId, data.overdueSince]);
          break;
        }
      }
    }
  },
};
