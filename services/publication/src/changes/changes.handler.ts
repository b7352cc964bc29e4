import { Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError } from '@smi/decider';
import { DataSource, EntityManager } from 'typeorm';
import { ReaderAccess } from '../access';
import { FieldChange, PublishedFields, VersionChange } from '../defect-catalogue';
import { ChangePage, ChangeView } from './changes.dto';

export interface FeedRow {
  case_id: string;
  version: number;
  change: VersionChange;
  at: Date;
  changes: FieldChange[];
  fields: PublishedFields;
  transaction_id: string;
  position: string;
}

/**
 * The change feed of the published view (issue point 8), for dashboards and integrators that poll: items
 * added, changed and withdrawn, in the order publication recorded the events (their transaction and position in
 * its store). The projection applies events in that order, so a reader never sees a change appear behind its
 * cursor; a rebuild of the read model gives every change the same cursor again.
 */
@Injectable()
export class ChangesHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: ReaderAccess,
  ) {}

  async feed(actor: Actor, after: string | undefined, limit: number): Promise<ChangePage> {
    await this.access.audienceOf(actor);
    const rows = await readChanges(this.dataSource.manager, decodeFeedCursor(after), limit);
    const last = rows[rows.length - 1];
    return {
      changes: rows.map(changeView),
      nextCursor: last ? encodeFeedCursor(last.transaction_id, last.position) : (after ?? null),
    };
  }
}

/** The feed's rows after `from`, in feed order: what `GET /changes` pages through and the change-feed webhook tails. */
export async function readChanges(manager: EntityManager, from: { transactionId: string; position: string } | undefined, limit: number): Promise<FeedRow[]> {
  // ORDER BY names the view's columns, not the text the SELECT list gives the same names: a bare name there means
  // the output column, and as text position 10 sorts before 9 while the cursor compares them as numbers.
  return manager.query(
    `SELECT case_id, version, change, at, changes, fields, transaction_id::text AS transaction_id, position::text AS position
       FROM published_item_versions v
      WHERE ($1::xid8 IS NULL OR (v.transaction_id, v.position) > ($1::xid8, $2::bigint))
      ORDER BY v.transaction_id, v.position
      LIMIT $3`,
    [from?.transactionId ?? null, from?.position ?? null, limit],
  );
}

/** One change as every reader of the feed sees it: the published fields only, never DCC's part of the item. */
export function changeView(row: FeedRow): ChangeView {
  return { id: row.case_id, version: row.version, change: row.change, at: row.at.toISOString(), changes: row.changes, item: row.fields };
}

/** `<transaction id>.<position>`: opaque to clients, checked as two bigints on the way back. */
function encodeFeedCursor(transactionId: string, position: string): string {
  return Buffer.from(`${transactionId}.${position}`, 'utf8').toString('base64url');
}

const MAX_BIGINT = 2n ** 63n - 1n;

function decodeFeedCursor(cursor: string | undefined): { transactionId: string; position: string } | undefined {
  if (cursor === undefined) return undefined;
  const match = /^([0-9]{1,19})\.([0-9]{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match && BigInt(match[1]) <= MAX_BIGINT && BigInt(match[2]) <= MAX_BIGINT) return { transactionId: match[1], position: match[2] };
  throw new DomainError('INVALID_CURSOR', 'after is not a cursor this API returned; start again without it', { field: 'after' });
}
