import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@smi/decider';
import { PostgresEventStore, toDomainEvent } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { DataSource } from 'typeorm';
import { Case, CASE_ERRORS, CaseEvent } from '../case-aggregate';
import { caseStreamId } from '../case-store';
import { decodeQueueCursor, encodeQueueCursor } from './case-cursor';
import { CasePage, CaseWithHistory, ListCasesQuery } from './case-queue.dto';
import { caseAccess, caseView, historyView, Viewer, visibleCasesWhere } from './case-visibility';

interface CaseRow {
  case_id: string;
  opened_key: string;
  state_since: Date;
  opened_at: Date;
  updated_at: Date;
  version: number;
  snapshot: Case;
}

const COLUMNS = `case_id, state_since, opened_at, updated_at, version, snapshot,
  to_char(opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS opened_key`;

/** Filters only DCC may use: they would tell others what the case's view leaves out. */
function refuseOthersFilters(viewer: Viewer, query: ListCasesQuery): void {
  if (viewer.partyType === 'dcc') return;
  if (query.assignee !== undefined) {
    throw new DomainError('FORBIDDEN_FILTER', 'assignee: only DCC may filter by the verifier holding a case', { field: 'assignee' });
  }
  for (const field of ['provider', 'waitingOn'] as const) {
    const value = query[field];
    if (value !== undefined && value !== viewer.partyId) {
      throw new DomainError('FORBIDDEN_FILTER', `${field}: a party other than DCC may name only itself (${viewer.partyId})`, { field });
    }
  }
}

/** The DCC queue and the case with its history, each as the caller may see it (case-visibility.ts). */
@Injectable()
export class CaseQueueHandler {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
  ) {}

  /** Oldest first (opened_at, case_id), keyset-paged: a page never repeats or skips a case opened meanwhile. */
  async list(viewer: Viewer, query: ListCasesQuery): Promise<CasePage> {
    refuseOthersFilters(viewer, query);
    const after = decodeQueueCursor(query.cursor);
    const limit = query.limit ?? 100;
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = [visibleCasesWhere(viewer, param)];
    if (query.state !== undefined) where.push(`state = ${param(query.state)}`);
    if (query.kind !== undefined) where.push(`case_kind = ${param(query.kind)}`);
    if (query.make !== undefined) {
      const make = `case_spelling_key(${param(query.make)})`;
      where.push(`(case_spelling_key(make) = ${make} OR case_spelling_key(snapshot #>> '{verified,canonical,make}') = ${make})`);
    }
    if (query.model !== undefined) {
      const model = `case_spelling_key(${param(query.model)})`;
      where.push(`(case_spelling_key(model) = ${model} OR case_spelling_key(snapshot #>> '{verified,canonical,model}') = ${model})`);
    }
    if (query.firmwareVersion !== undefined) where.push(`upper(firmware_version) = upper(${param(query.firmwareVersion.trim())})`);
    if (query.deviceType !== undefined) where.push(`device_type = ${param(query.deviceType)}`);
    if (query.provider !== undefined) where.push(`provider_party_id = ${param(query.provider)}`);
    if (query.assignee !== undefined) where.push(`assignee = ${param(query.assignee)}`);
    if (query.waitingOn !== undefined) where.push(`waiting_on = ${param(query.waitingOn)}`);
    if (query.olderThanDays !== undefined) {
      // In its state since before the start of the London day N days ago: whole calendar days, as a verifier counts them.
      where.push(
        `state_since < (((now() AT TIME ZONE 'Europe/London')::date - ${param(query.olderThanDays)}::int)::timestamp AT TIME ZONE 'Europe/London')`,
      );
    }
    if (after !== undefined) where.push(`(opened_at, case_id) > (${param(after.openedAt)}::timestamptz, ${param(after.caseId)}::uuid)`);
    const rows: CaseRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM cases WHERE ${where.join(' AND ')} ORDER BY opened_at, case_id LIMIT ${param(limit + 1)}`,
      params,
    );
    const page = rows.slice(0, limit);
    const cases = page.flatMap((row) => {
      const access = caseAccess(viewer, row.snapshot);
      // The SQL above is the same rule: a row it lets through is always visible. Should they ever disagree, hide it.
      return access === null ? [] : [caseView(access, viewer, row.snapshot, times(row))];
    });
    const last = page[page.length - 1];
    return { cases, nextCursor: rows.length > limit && last ? encodeQueueCursor({ openedAt: last.opened_key, caseId: last.case_id }) : null };
  }

  /** The case with every event of its stream the caller may see; not found for a caller who may not see it. */
  async get(viewer: Viewer, caseId: string): Promise<CaseWithHistory> {
    const rows: CaseRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM cases WHERE case_id = $1`, [caseId]);
    const row = rows[0];
    const access = row === undefined ? null : caseAccess(viewer, row.snapshot);
    // The same answer whether the case does not exist or the caller may not see it (as case-actions answers).
    if (row === undefined || access === null) throw new DomainError(CASE_ERRORS.CASE_NOT_FOUND, `case ${caseId} does not exist`, { caseId });
    // The row is written with the events, so the stream is at least at its version; later events belong to a newer row.
    const recorded = (await this.store.readStream(caseStreamId(caseId))).filter((event) => event.streamVersion <= row.version);
    const history = historyView(
      access,
      viewer,
      recorded.map((event) => ({ streamVersion: event.streamVersion, event: toDomainEvent<CaseEvent>(event) })),
    );
    return { ...caseView(access, viewer, row.snapshot, times(row)), history };
  }
}

function times(row: CaseRow) {
  return {
    stateSince: row.state_since.toISOString(),
    openedAt: row.opened_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    streamVersion: row.version,
  };
}
