import { Injectable } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DccEditionCounts, ReleaseCutData, ReleaseEditionCounts } from '@smi/contracts';
import { DomainError } from '@smi/decider';
import { DataSource } from 'typeorm';
import { changedFields, Edition, jsonItem, ReleaseItemRow } from './release-rows';
import { ROW_COLUMNS, rowOrder, RowKey } from './release-rows.source';
import { ReleaseDueView, ReleaseList, ReleaseView } from './releases.dto';

/** A release as recorded: the ReleaseCut event's data, and who cut it. */
export interface ReleaseRecord extends ReleaseCutData {
  cutBy: Actor;
}

/**
 * Who reads releases: DCC both editions; SECAS the public edition, which DCC hands it each quarter. Everyone
 * else is refused (403) by the endpoints' @Authorize: suppliers, manufacturers, CSPs and the network parties DCC
 * added read the same published items live (search, change feed), and the quarterly file is SECAS's. Chosen; see
 * docs/domain.md "Releases".
 */
export const RELEASE_READER_PARTY_TYPES = ['dcc', 'secas'] as const;

export function editionsFor(actor: Actor): readonly Edition[] {
  return actor.partyType === 'dcc' ? ['dcc', 'public'] : actor.partyType === 'secas' ? ['public'] : [];
}

export function assertEdition(actor: Actor, edition: Edition): void {
  if (!editionsFor(actor).includes(edition)) {
    throw new DomainError('FORBIDDEN_EDITION', edition === 'dcc' ? "the DCC edition is DCC's; SECAS downloads the public edition" : 'releases are for DCC and SECAS', { field: 'edition' });
  }
}

const PAGE = 500;

@Injectable()
export class ReleasesQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(actor: Actor): Promise<ReleaseList> {
    const rows: Array<{ contents: ReleaseRecord }> = await this.dataSource.query(`SELECT contents || jsonb_build_object('cutBy', cut_by) AS contents FROM releases ORDER BY number`);
    const dues: Array<{ label: string; due_by: string; detected_at: Date; released_as: number | null }> = await this.dataSource.query(
      `SELECT d.label, d.due_by::text AS due_by, d.detected_at, r.number AS released_as FROM release_dues d LEFT JOIN releases r ON r.label = d.label ORDER BY d.label`,
    );
    return {
      releases: rows.map((row) => viewFor(actor, row.contents)),
      due: dues.map((d): ReleaseDueView => ({ label: d.label, dueBy: d.due_by, detectedAt: d.detected_at.toISOString(), releasedAs: d.released_as })),
    };
  }

  async get(actor: Actor, number: number): Promise<ReleaseView> {
    return viewFor(actor, await this.record(number, 'number'));
  }

  /** The release as recorded; RELEASE_NOT_FOUND (404) naming the field it came from. */
  async record(number: number, field: string): Promise<ReleaseRecord> {
    const rows: Array<{ contents: ReleaseRecord }> = await this.dataSource.query(
      `SELECT contents || jsonb_build_object('cutBy', cut_by) AS contents FROM releases WHERE number = $1`,
      [number],
    );
    if (!rows[0]) throw new DomainError('RELEASE_NOT_FOUND', `release ${number} does not exist`, { field });
    return rows[0].contents;
  }

  /**
   * What changed from release `from` to release `to` in one edition, as JSON text, a page at a time: the items
   * added, those changed (each with every field's old and new value) and those removed, each list in the neutral
   * order. Both releases are immutable, so the answer is the same whenever it is asked.
   */
  async *diff(to: ReleaseRecord, from: ReleaseRecord | null, edition: Edition): AsyncGenerator<string> {
    yield `{"from":${from === null ? 'null' : from.number},"to":${to.number},"edition":"${edition}","added":[`;
    yield* this.section(edition, (after) => this.added(to.number, from?.number ?? null, edition, after), (row) => diffItem(edition, row));
    yield '],"changed":[';
    if (from !== null) {
      yield* this.section(
        edition,
        (after) => this.changed(to.number, from.number, edition, after),
        (pair: ChangedPair) => ({ id: pair.after.case_id, item: diffItem(edition, pair.after), changes: changedFields(edition, pair.before, pair.after) }),
      );
    }
    yield '],"removed":[';
    if (from !== null) yield* this.section(edition, (after) => this.added(from.number, to.number, edition, after), (row) => diffItem(edition, row));
    yield ']}';
  }

  private async *section<T extends RowKey | ChangedPair>(edition: Edition, page: (after: RowKey | null) => Promise<T[]>, show: (row: T) => object): AsyncGenerator<string> {
    let after: RowKey | null = null;
    let first = true;
    for (;;) {
      const rows = await page(after);
      if (rows.length > 0) {
        yield (first ? '' : ',') + rows.map((row) => JSON.stringify(show(row))).join(',');
        first = false;
      }
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1];
      after = 'after' in last ? last.after : (last as RowKey);
    }
  }

  /** Rows of release `number` not in release `other` (all of them when `other` is null). */
  private added(number: number, other: number | null, edition: Edition, after: RowKey | null): Promise<ReleaseItemRow[]> {
    return this.dataSource.query(
      `SELECT ${ROW_COLUMNS} FROM release_items n
        WHERE n.release_number = $1 AND n.edition = $2
          AND NOT EXISTS (SELECT 1 FROM release_items o WHERE o.release_number = $3 AND o.edition = $2 AND o.case_id = n.case_id)
          AND ($4::text IS NULL OR (${rowOrder('n')}) > ($4, $5, $6, $7::bigint, $8))
        ORDER BY ${rowOrder('n')} LIMIT ${PAGE}`,
      [number, edition, other, ...keyParams(after)],
    );
  }

  /** Rows in both releases whose exported content differs, with both versions. */
  private async changed(to: number, from: number, edition: Edition, after: RowKey | null): Promise<ChangedPair[]> {
    const rows: Array<{ after: ReleaseItemRow; before: ReleaseItemRow; sort_identifier: string }> = await this.dataSource.query(
      `SELECT to_jsonb(n) AS after, to_jsonb(o) AS before, n.sort_identifier::text AS sort_identifier
         FROM release_items n JOIN release_items o ON o.release_number = $3 AND o.edition = $2 AND o.case_id = n.case_id
        WHERE n.release_number = $1 AND n.edition = $2 AND n.content_hash <> o.content_hash
          AND ($4::text IS NULL OR (${rowOrder('n')}) > ($4, $5, $6, $7::bigint, $8))
        ORDER BY ${rowOrder('n')} LIMIT ${PAGE}`,
      [to, edition, from, ...keyParams(after)],
    );
    return rows.map((row) => ({ after: { ...row.after, sort_identifier: row.sort_identifier }, before: row.before }));
  }
}

interface ChangedPair {
  after: ReleaseItemRow;
  before: ReleaseItemRow;
}

function keyParams(after: RowKey | null): Array<string | null> {
  return [after?.sort_make ?? null, after?.sort_model ?? null, after?.sort_firmware ?? null, after?.sort_identifier ?? null, after?.case_id ?? null];
}

/** An item in a diff: as the edition shows it, without its mark against its own previous release. */
function diffItem(edition: Edition, row: ReleaseItemRow): Record<string, unknown> {
  const { change: _change, ...item } = jsonItem(edition, row);
  return item;
}

/** Counts in the order people read them (jsonb keeps keys in its own order). */
function countsView(counts: ReleaseEditionCounts): ReleaseEditionCounts {
  const { Issue, Defect, Fix } = counts.byStatusOfInformation;
  const { new: added, updated, original, removed } = counts.changes;
  return { items: counts.items, byStatusOfInformation: { Issue, Defect, Fix }, changes: { new: added, updated, original, removed } };
}

function dccCountsView(counts: DccEditionCounts): DccEditionCounts {
  return { ...countsView(counts), byState: counts.byState, published: counts.published, unverified: counts.unverified };
}

/** What the caller may see of a release: SECAS never sees the DCC edition's counts, who cut it or the store's positions. */
export function viewFor(actor: Actor, record: ReleaseRecord): ReleaseView {
  const view: ReleaseView = {
    number: record.number,
    label: record.label,
    period: { from: record.period.from, to: record.period.to },
    previousRelease: record.previousRelease,
    cutAt: record.cutAt,
    editions: actor.partyType === 'dcc' ? { public: countsView(record.editions.public), dcc: dccCountsView(record.editions.dcc) } : { public: countsView(record.editions.public) },
    nonSuppliers: record.nonSuppliers,
    submissions: record.submissions,
  };
  if (actor.partyType === 'dcc') {
    view.catalogue = record.catalogue;
    view.cutBy = { userId: record.cutBy.userId, partyId: record.cutBy.partyId };
  }
  return view;
}
