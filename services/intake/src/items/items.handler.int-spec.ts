import { Actor } from '@smi/auth';
import { createTestDatabase, TestDatabase } from '@smi/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ItemsHandler } from './items.handler';
import { CreateItemsReadModel1732000000000 } from './items.migration';

/**
 * Keyset pages against the real PostgreSQL. Identifiers and flag ids are bigints and the cursor compares them as
 * numbers, so the pages must be ordered as numbers too: ordered as the text the query returns, 10 comes before 9,
 * and the next page, after the cursor, leaves out what sorted between them.
 */

const dcc: Actor = { userId: 'dcc-user', partyId: 'DCC', partyType: 'dcc', roles: [] };
const COUNT = 12; // identifiers and flag ids 1 to 12: one and two digits

describe('ItemsHandler pages (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let items: ItemsHandler;

  beforeAll(async () => {
    database = await createTestDatabase('items_pages');
    dataSource = await new DataSource({ type: 'postgres', url: database.url, migrations: [CreateItemsReadModel1732000000000] }).initialize();
    await dataSource.runMigrations();
    const submission = randomUUID();
    for (let identifier = 1; identifier <= COUNT; identifier++) {
      await dataSource.query(
        `INSERT INTO items (provider_party_id, identifier, make, model, firmware_version, device_type, source, status_of_information,
           date_last_updated, fix_available, fix_information, content_hash, version, first_submission_id, last_submission_id, last_row,
           created_at, updated_at)
         VALUES ('MFR-NW', $1::bigint, 'Northwind', 'E470', '38040404', 'ESME', 'Device Manufacturer', 'Defect', '2026-02-27', false, NULL,
           repeat('0', 64), 1, $2, $2, $1::int, now(), now())`,
        [identifier, submission],
      );
      await dataSource.query(
        `INSERT INTO item_possible_duplicates (provider_party_id, identifier, make, model, firmware_version, device_type, matches, match_count,
           submission_id, item_version, flagged_at)
         VALUES ('MFR-NW', $1::bigint, 'Northwind', 'E470', '38040404', 'ESME', '[]', 0, $2, 1, now())`,
        [identifier, submission],
      );
    }
    items = new ItemsHandler(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const numbers = Array.from({ length: COUNT }, (_, i) => String(i + 1));

  it('pages the items by Identifier as a number, each once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page <= COUNT; page++) {
      const answer = await items.list(dcc, 'MFR-NW', {}, cursor, 5);
      seen.push(...answer.items.map((item) => item.identifier));
      if (answer.nextCursor === null) break;
      cursor = answer.nextCursor;
    }
    expect(seen).toEqual(numbers);
  });

  it('pages the possible duplicates by flag as a number, each once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page <= COUNT; page++) {
      const answer = await items.possibleDuplicates({}, cursor, 5);
      seen.push(...answer.possibleDuplicates.map((flag) => flag.flagId));
      if (answer.nextCursor === null) break;
      cursor = answer.nextCursor;
    }
    expect(seen).toEqual(numbers);
  });
});
