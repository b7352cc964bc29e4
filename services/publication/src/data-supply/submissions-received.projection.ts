import { SubmissionRecordedData } from '@smi/contracts';
import { RecordedEvent } from '@smi/event-store';
import { Projection } from '@smi/projections';
import { EntityManager } from 'typeorm';
import { quoteIdent } from './sql';

/** `submissions_received`: every provider file intake read to its end (`SubmissionRecorded`), when and how many rows. */
export const submissionsReceivedProjection: Projection = {
  name: 'submissions_received',
  version: 1,
  eventTypes: ['SubmissionRecorded'],

  async createSchema(manager: EntityManager, table: string) {
    await manager.query(`
      CREATE TABLE ${quoteIdent(table)} (
        submission_id uuid PRIMARY KEY,
        provider_party_id text COLLATE "C" NOT NULL,
        provider_party_type text NOT NULL,
        rows integer NOT NULL,
        counts jsonb NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    await manager.query(`CREATE INDEX ${quoteIdent(`${table}_received_at`)} ON ${quoteIdent(table)} (received_at)`);
  },

  async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
    const rows = events.map((event) => event.data as SubmissionRecordedData);
    await manager.query(
      `INSERT INTO ${quoteIdent(table)} (submission_id, provider_party_id, provider_party_type, rows, counts, received_at)
       SELECT "submissionId", "providerPartyId", "providerPartyType", rows, counts, "receivedAt"
         FROM jsonb_to_recordset($1::jsonb) AS r("submissionId" uuid, "providerPartyId" text, "providerPartyType" text, rows integer, counts jsonb, "receivedAt" timestamptz)
       ON CONFLICT (submission_id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  },
};
