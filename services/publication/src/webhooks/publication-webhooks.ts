import { ReleaseCutData } from '@smi/contracts';
import { FeedEntry, WebhookCatalogue } from '@smi/webhooks';
import { networkPartyAdded, READER_PARTY_TYPES } from '../access';
import { changeView, readChanges } from '../changes/changes.handler';

/** The feed's cursor as the webhook keeps it: `<transaction id>.<position>` of the row's event in publication's store. */
function parseCursor(cursor: string | null): { transactionId: string; position: string } | undefined {
  if (cursor === null) return undefined;
  const [transactionId, position] = cursor.split('.');
  return { transactionId, position };
}

/**
 * The webhooks publication offers (docs/adr/0009-webhooks.md):
 * - `release.cut`: DCC cut a quarterly release, for SECAS (who reads its public edition; docs/domain.md "Who reads
 *   releases"): the release's number, quarter and public counts, never the DCC edition's.
 * - `change-feed`: each entry of `GET /changes`, read from the same rows by the same query (`readChanges`,
 *   `changeView`), so what a subscriber receives is exactly what it would poll: published items only (R7), never
 *   an unverified or unfixed defect, which never reaches `published_item_versions`. Same readers as `/changes`:
 *   a network party only while DCC has it added, checked when it subscribes and for each entry queued.
 */
export const PUBLICATION_WEBHOOKS: WebhookCatalogue = {
  service: 'publication',
  events: [
    {
      name: 'release.cut',
      description: "DCC cut a quarterly release (ReleaseCut): download its public edition from /releases/{number}",
      partyTypes: ['secas'],
      eventTypes: ['ReleaseCut'],
      message: (event) => {
        const { number, label, period, previousRelease, cutAt, editions } = event.data as ReleaseCutData;
        return { subject: `release-${number}`, data: { number, label, period, previousRelease, cutAt, edition: editions.public, link: `/releases/${number}` } };
      },
    },
    {
      name: 'change-feed',
      description: 'Each published item added, changed or withdrawn, as GET /changes shows it',
      partyTypes: [...READER_PARTY_TYPES],
      feed: {
        async read(manager, after, limit): Promise<FeedEntry[]> {
          const rows = await readChanges(manager, parseCursor(after), limit);
          return rows.map((row) => ({
            cursor: `${row.transaction_id}.${row.position}`,
            key: `change-${row.case_id}-${row.version}`,
            transactionId: row.transaction_id,
            position: row.position,
            time: row.at.toISOString(),
            subject: row.case_id,
            data: changeView(row),
          }));
        },
      },
      mayReceive: async (manager, subscriber) => subscriber.partyType !== 'network' || networkPartyAdded(manager, subscriber.partyId),
    },
  ],
};
