import { ItemPublishableData, ItemWithdrawnData, PublishedItemData } from '@smi/contracts';
import { RecordedEvent } from '@smi/event-store';
import { Projection } from '@smi/projections';
import { EntityManager } from 'typeorm';
import { changedFields, FieldChange, PublishedFields, publishedFieldsOf } from './published-fields';
import { PUBLICATION_EVENT_TYPES } from './published-items.projection';
import { insertRows, quoteIdent, reportDescriptions, unique } from './sql';

export type VersionChange = 'added' | 'changed' | 'withdrawn';

export interface PublishedItemVersionRow {
  case_id: string;
  version: number;
  change: VersionChange;
  /** When verification decided it (the event's `at`). */
  at: string;
  /** Field by field against the version before; empty for an item added or withdrawn. */
  changes: FieldChange[];
  /** What readers saw at this version; for a withdrawal, what was withdrawn. */
  fields: PublishedFields;
  /** The item as verification published it: DCC's. */
  item: PublishedItemData;
  /** DCC's reason for a withdrawal, as given: DCC's. */
  reason: string | null;
  /** Where the event is in publication's event store: the order of the change feed (GET /changes). */
  transaction_id: string;
  position: string;
}

const COLUMNS: ReadonlyArray<keyof PublishedItemVersionRow> = ['case_id', 'version', 'change', 'at', 'changes', 'fields', 'item', 'reason', 'transaction_id', 'position'];

/**
 * `published_item_versions`: every published version of every item and every withdrawal, with what changed
 * against the version before: the history of `GET /defects/{id}` and, in the order the events were recorded in
 * publication's store, the change feed. Rows are only ever added; an event whose version is not above the
 * item's last one is passed over, as in published_items.
 */
export const publishedItemVersionsProjection: Projection = {
  name: 'published_item_versions',
  version: 1,
  eventTypes: [...PUBLICATION_EVENT_TYPES],

  async createSchema(manager: EntityManager, table: string) {
    await manager.query(`
      CREATE TABLE ${quoteIdent(table)} (
        case_id text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        change text NOT NULL CHECK (change IN ('added', 'changed', 'withdrawn')),
        at timestamptz NOT NULL,
        changes jsonb NOT NULL,
        fields jsonb NOT NULL,
        item jsonb NOT NULL,
        reason text,
        transaction_id xid8 NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (case_id, version)
      )`);
    await manager.query(`CREATE UNIQUE INDEX ${quoteIdent(`${table}_feed`)} ON ${quoteIdent(table)} (transaction_id, position)`);
  },

  async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
    const caseIds = unique(events.map((event) => (event.data as { caseId: string }).caseId));
    // One index probe per item whatever the statistics say: `case_id = ANY($1) … DISTINCT ON` was planned as a
    // sequential scan of the whole table on a table not yet analysed, as a rebuild's new table is (0.35–0.9 s a
    // batch at 300,000 versions instead of 15–25 ms; bench/README.md, publication).
    const latestRows: Array<{ case_id: string; version: number; change: VersionChange; fields: PublishedFields }> = await manager.query(
      `SELECT v.case_id, v.version, v.change, v.fields FROM unnest($1::text[]) AS c(case_id)
         CROSS JOIN LATERAL (SELECT case_id, version, change, fields FROM ${quoteIdent(table)} t
                              WHERE t.case_id = c.case_id ORDER BY t.version DESC LIMIT 1) v`,
      [caseIds],
    );
    const latest = new Map(latestRows.map((row) => [row.case_id, row]));
    const descriptions = await reportDescriptions(manager, unique(events.map((event) => event.streamId)));
    const added: PublishedItemVersionRow[] = [];
    for (const event of events) {
      const data = event.data as ItemPublishableData | ItemWithdrawnData;
      const before = latest.get(data.caseId);
      if (before !== undefined && data.version <= before.version) continue;
      const published = publishedFieldsOf(data.item, descriptions.get(event.streamId) ?? null);
      const shown = before !== undefined && before.change !== 'withdrawn' ? before : undefined;
      const row: PublishedItemVersionRow =
        event.type === 'ItemWithdrawn'
          ? { ...base(event, data), change: 'withdrawn', changes: [], fields: shown?.fields ?? published, reason: (data as ItemWithdrawnData).reason }
          : { ...base(event, data), change: shown ? 'changed' : 'added', changes: shown ? changedFields(shown.fields, published) : [], fields: published, reason: null };
      added.push(row);
      latest.set(data.caseId, row);
    }
    await insertRows(manager, table, COLUMNS, added);
  },
};

function base(event: RecordedEvent, data: ItemPublishableData | ItemWithdrawnData) {
  return { case_id: data.caseId, version: data.version, at: data.at, item: data.item, transaction_id: event.transactionId, position: event.position };
}
