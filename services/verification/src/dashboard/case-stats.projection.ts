import { Logger } from '@nestjs/common';
import { CASE_KINDS, CASE_STATES } from '@smi/contracts';
import { RecordedEvent, toDomainEvent } from '@smi/event-store';
import { Projection } from '@smi/projections';
import { EntityManager } from 'typeorm';
import { Case, CASE_EVENT_TYPES, caseDecider, CaseEvent, CaseState } from '../case-aggregate';
import { caseIdOfStream } from '../case-store';

const logger = new Logger('CaseStatsProjection');

const CASE_STREAM = /^case-/;

/** One case as the dashboard counts it: the case folded from its events, and when it entered its state. */
interface Tracked {
  state: CaseState;
  stateSince: string;
  openedAt: string;
}

/**
 * The DCC dashboard's read model (issue point 10): one row per case with what `GET /cases/stats` counts and
 * groups (state, kind, when it entered its state, assignee, the wait). Asynchronous and rebuildable from the
 * case events alone: each row keeps the case folded by the aggregate's own `evolve`, so who a case waits on is
 * decided by the same rules as on the write side, never re-derived here. Ages are not stored: the reader
 * computes them from `state_since` on the day it reads, so they move with the calendar without any event.
 *
 * An event it cannot apply (unknown shape, a case never opened, a fold that throws or yields what is not a
 * case) is logged and skipped, leaving that case as it was: a dashboard must not stop at a bad event and
 * hold every later one back.
 */
export const caseStatsProjection: Projection = {
  name: 'case_stats',
  version: 1,
  eventTypes: [...CASE_EVENT_TYPES],

  async createSchema(manager: EntityManager, table: string) {
    // case_id is text, not uuid: the stream's id as written, so no stream id can make a row impossible to store.
    await manager.query(`
      CREATE TABLE ${table} (
        case_id        text PRIMARY KEY,
        case_kind      text NOT NULL,
        state          text NOT NULL,
        state_since    timestamptz NOT NULL,
        opened_at      timestamptz NOT NULL,
        assignee       text,
        waiting_on     text,
        waiting_for    text,
        waiting_since  timestamptz,
        wait_overdue   boolean NOT NULL,
        folded         jsonb NOT NULL
      )`);
    await manager.query(`CREATE INDEX ${table}_waiting ON ${table} (waiting_since, case_id) WHERE waiting_on IS NOT NULL`);
  },

  async apply(manager: EntityManager, events: RecordedEvent[], table: string) {
    const ofCases = events.filter((event) => CASE_STREAM.test(event.streamId));
    const caseIds = [...new Set(ofCases.map((event) => caseIdOfStream(event.streamId)))];
    if (caseIds.length === 0) return;
    const rows: Array<{ case_id: string; folded: Case; state_since: Date; opened_at: Date }> = await manager.query(
      `SELECT case_id, folded, state_since, opened_at FROM ${table} WHERE case_id = ANY($1::text[])`,
      [caseIds],
    );
    const cases = new Map<string, Tracked>(
      rows.map((row) => [row.case_id, { state: row.folded, stateSince: row.state_since.toISOString(), openedAt: row.opened_at.toISOString() }]),
    );
    const changed = new Set<string>();
    for (const event of ofCases) {
      const caseId = caseIdOfStream(event.streamId);
      const next = applied(cases.get(caseId), event);
      if (next === undefined) continue;
      cases.set(caseId, next);
      changed.add(caseId);
    }
    for (const caseId of changed) await upsert(manager, table, caseId, cases.get(caseId)!);
  },
};

/** The case after the event, or undefined when the event changes nothing the dashboard can count. */
function applied(before: Tracked | undefined, event: RecordedEvent): Tracked | undefined {
  const at = instantOf(event);
  const previous = before?.state ?? caseDecider.initialState();
  let state: CaseState;
  try {
    // The event's own time drives the fold (as on the write side), unless it is not a usable instant.
    state = caseDecider.evolve(previous, { ...toDomainEvent<CaseEvent>(event), at });
  } catch (error) {
    skip(event, (error as Error).message);
    return undefined;
  }
  if (state.kind !== 'case') {
    // A case never opened: nothing to count, as on the write side.
    if (before === undefined) skip(event, 'no CaseOpened before it');
    return undefined;
  }
  const problem = uncountable(state);
  if (problem !== undefined) {
    skip(event, problem);
    return undefined;
  }
  const entered = previous.kind !== 'case' || previous.state !== state.state;
  return {
    state,
    stateSince: entered || before === undefined ? at : before.stateSince,
    openedAt: event.type === 'CaseOpened' || before === undefined ? at : before.openedAt,
  };
}

/** Why a folded case cannot be stored as a row, if it cannot. */
function uncountable(state: Case): string | undefined {
  if (!(CASE_KINDS as readonly unknown[]).includes(state.caseKind)) return `unknown case kind ${JSON.stringify(state.caseKind)}`;
  if (!(CASE_STATES as readonly unknown[]).includes(state.state)) return `unknown state ${JSON.stringify(state.state)}`;
  if (state.assignee !== null && typeof state.assignee !== 'string') return 'assignee is not text';
  const { wait } = state;
  if (wait === null) return undefined;
  if (typeof wait !== 'object' || typeof wait.partyId !== 'string' || typeof wait.waitingFor !== 'string' || typeof wait.overdue !== 'boolean') return 'the wait is malformed';
  if (!isInstant(wait.since)) return 'the wait has no start time';
  return undefined;
}

function skip(event: RecordedEvent, reason: string): void {
  logger.warn({ msg: 'case event skipped by the dashboard', position: event.position, streamId: event.streamId, type: event.type, reason });
}

/** Years 1 to 9999: what both JavaScript and PostgreSQL's timestamptz hold. */
function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const date = new Date(value);
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1 && year <= 9999;
}

function instantOf(event: RecordedEvent): string {
  const at = (event.data as { at?: unknown } | null)?.at;
  return isInstant(at) ? new Date(at).toISOString() : event.recordedAt.toISOString();
}

async function upsert(manager: EntityManager, table: string, caseId: string, tracked: Tracked): Promise<void> {
  const state = tracked.state as Case;
  await manager.query(
    `INSERT INTO ${table} (case_id, case_kind, state, state_since, opened_at, assignee, waiting_on, waiting_for, waiting_since, wait_overdue, folded)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (case_id) DO UPDATE SET
       case_kind = EXCLUDED.case_kind, state = EXCLUDED.state, state_since = EXCLUDED.state_since, opened_at = EXCLUDED.opened_at,
       assignee = EXCLUDED.assignee, waiting_on = EXCLUDED.waiting_on, waiting_for = EXCLUDED.waiting_for,
       waiting_since = EXCLUDED.waiting_since, wait_overdue = EXCLUDED.wait_overdue, folded = EXCLUDED.folded`,
    [
      caseId,
      state.caseKind,
      state.state,
      tracked.stateSince,
      tracked.openedAt,
      state.assignee,
      state.wait?.partyId ?? null,
      state.wait?.waitingFor ?? null,
      state.wait?.since ?? null,
      state.wait?.overdue ?? false,
      JSON.stringify(state),
    ],
  );
}
