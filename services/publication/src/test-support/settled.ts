import { waitFor } from '@smi/testing';
import { DataSource } from 'typeorm';
import { INVENTORY_DEVICE_EVENT_TYPES } from '../inventory-feed';
import { PUBLICATION_PROJECTIONS } from '../projections';
import { PublicationTestApp } from './publication-test-app';

interface SentTopic {
  readonly sent: ReadonlyArray<{ headers: Record<string, string> }>;
}

/**
 * Waits until every message sent to verification.events and every device event sent to inventory.events is in
 * publication's store, and every read model has applied them all: the signal a test reads its answers after. A
 * failing projection fails the test at once rather than after the wait.
 */
export async function publicationSettled(publication: PublicationTestApp, dccToken: string, topics: { verification?: SentTopic; inventory?: SentTopic }): Promise<void> {
  const db = publication.app.get(DataSource);
  const copied = new Set<string>(INVENTORY_DEVICE_EVENT_TYPES);
  const expected = {
    verification: new Set(topics.verification?.sent.map((m) => m.headers.ce_id)).size,
    inventory: new Set(topics.inventory?.sent.filter((m) => copied.has(m.headers.ce_type)).map((m) => m.headers.ce_id)).size,
  };
  const outcome = await waitFor(
    async () => {
      const [counts]: Array<{ verification: number; inventory: number }> = await db.query(
        `SELECT count(*) FILTER (WHERE stream_id LIKE 'verification-%')::int AS verification, count(*) FILTER (WHERE stream_id LIKE 'inventory-%')::int AS inventory FROM events`,
      );
      const status = (await publication.call('GET', '/ops/projections', dccToken)).body as Array<{ lag: number; lastError?: string }>;
      if (status.some((s) => s.lastError)) return { failed: JSON.stringify(status) };
      if (counts.verification !== expected.verification || counts.inventory !== expected.inventory) return false;
      return status.length === PUBLICATION_PROJECTIONS.length && status.every((s) => s.lag === 0) && { failed: undefined };
    },
    30_000,
    'publication to copy and project every event sent',
  );
  if (outcome.failed) throw new Error(`a projection failed: ${outcome.failed}`);
}
