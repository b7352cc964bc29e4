import { CanonicalDevice } from '@smi/contracts';
import { PostgresEventStore } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { waitFor } from '@smi/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { appendCopies, EventCopy } from '../event-copies';
import { PUBLICATION_PROJECTIONS } from '../projections';
import { PublicationTestApp, startPublicationTestApp } from '../test-support/publication-test-app';
import { itemContent, itemPublishable, publishedItem } from '../test-support/verification-events';
import { caseCopyStreamId } from '../verification-feed/verification-streams';

/**
 * The change feed's order against its cursor. The feed orders by the event's (transaction id, position) in
 * publication's store and continues after the last row's pair: both must compare them as numbers. Compared as
 * text, a position of 10 sorts before one of 9 while the cursor, compared as numbers, still counts it after: a
 * reader is then sent changes again and skips others.
 */

const northwind: CanonicalDevice = { makeId: randomUUID(), make: 'Northwind Metering', manufacturerId: '1A2B', modelId: randomUUID(), model: 'NW-E470', smiModelId: '0000E470' };

describe('the change feed (real PostgreSQL)', () => {
  let publication: PublicationTestApp;
  let db: DataSource;
  let store: PostgresEventStore;
  let dcc: string;
  let supplier: string;

  beforeAll(async () => {
    publication = await startPublicationTestApp('changes');
    db = publication.app.get(DataSource);
    store = publication.app.get(EVENT_STORE);
    dcc = await publication.token({ party: 'DCC', partyType: 'dcc' });
    supplier = await publication.token({ party: 'SUPPLIER-1', partyType: 'supplier' });
  }, 120_000);

  afterAll(async () => {
    await publication?.stop();
  });

  it('pages every change once, in recorded order, when the positions of one transaction cross a power of ten', async () => {
    // Enough items copied in one transaction (as one batch of verification's topic is) that their positions go
    // from below a power of ten to above it, e.g. 9 then 10.
    const [{ next }]: Array<{ next: string }> = await db.query(
      `SELECT (coalesce(pg_sequence_last_value(pg_get_serial_sequence('events', 'position')::regclass), 0) + 1)::text AS next`,
    );
    const first = BigInt(next);
    let power = 10n;
    while (power <= first) power *= 10n;
    const cases = Array.from({ length: Number(power - first) + 3 }, () => randomUUID());
    const copies: EventCopy[] = cases.map((caseId, i) => {
      const { type, data } = itemPublishable(caseId, 2, publishedItem(caseId, northwind, itemContent({ identifier: String(i + 1) })));
      return { streamId: caseCopyStreamId(caseId), event: { type, data, eventId: randomUUID() } };
    });
    await db.transaction((manager) => appendCopies(store, manager, 'verification', copies));

    const recorded: Array<{ case_id: string; transaction_id: string; position: string }> = await db.query(
      `SELECT data->>'caseId' AS case_id, transaction_id::text AS transaction_id, position::text AS position FROM events WHERE event_type = 'ItemPublishable'`,
    );
    expect(new Set(recorded.map((r) => r.transaction_id)).size).toBe(1);
    const inOrder = recorded.sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1)).map((r) => r.case_id);
    // The premise: as text, these positions sort otherwise than as numbers.
    expect(recorded.map((r) => r.position).sort()).not.toEqual(recorded.map((r) => r.position));

    await waitFor(
      async () => {
        const status = (await publication.call('GET', '/ops/projections', dcc)).body as Array<{ projection: string; lag: number; lastError?: string }>;
        if (status.some((s) => s.lastError)) throw new Error(`a projection failed: ${JSON.stringify(status)}`);
        return PUBLICATION_PROJECTIONS.every((p) => status.some((s) => s.projection === p.name)) && status.every((s) => s.lag === 0);
      },
      30_000,
      'every read model to apply the copies',
    );

    const fed: string[] = [];
    let after: string | null = null;
    for (let page = 0; page <= cases.length; page++) {
      const answer = await publication.call('GET', `/changes?limit=3${after ? `&after=${after}` : ''}`, supplier);
      expect(answer.status).toBe(200);
      const body = answer.body as { changes: Array<{ id: string; change: string }>; nextCursor: string | null };
      if (body.changes.length === 0) break;
      fed.push(...body.changes.map((c) => c.id));
      after = body.nextCursor;
    }
    expect(fed).toEqual(inOrder);
  });
});
