import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@smi/decider';
import { Aggregate, AppendMetadata, BatchCommand, CommandOutcome, handleBatch, NewEvent, PostgresEventStore, StreamRef, WrittenStream } from '@smi/event-store';
import { EVENT_STORE } from '@smi/service-runtime';
import { DataSource, EntityManager } from 'typeorm';
import { Case, CaseCommand, caseDecider, CaseEvent, CaseState, CASE_ERRORS, providerOf } from '../case-aggregate';
import { caseIdFor, caseIdOfStream, caseStreamId } from './case-ids';

/** Where a command comes from besides its actor: what caused it (a consumed event) and the caller's transaction. */
export interface CaseWriteContext {
  /** The consumer's inbox transaction: each attempt runs in a savepoint of it. */
  manager?: EntityManager;
  causationId?: string;
}

/** One command of `executeMany`, with the message or command that caused it. */
export interface CaseBatchCommand {
  command: CaseCommand;
  causationId?: string;
}

/** What became of one command of `executeMany`: decided (maybe changing nothing), or refused with its DomainError. */
export type CaseOutcome = CommandOutcome<CaseWritten>;

export interface CaseWritten {
  /** The case the command named, after it (and after what it set off on other cases). */
  state: CaseState;
  /** The events recorded on that case; empty when the command changed nothing. */
  events: CaseEvent[];
}

/**
 * The one write path of cases: a case command decided against the case's stream and appended with
 * handleBatch, the `cases` read model written in the same transaction. What one case's events set off on
 * another is decided in that same batch, so it can never be half done:
 * - a case marked a duplicate merges its sources into the surviving case (which must exist);
 * - a fix proposal accepted (verified and confirmed) attaches its fix to the case of the item or report it
 *   fixes, where that case exists.
 * A lost race decides everything again against the new state.
 */
@Injectable()
export class CaseWriter {
  private readonly cases: Aggregate<CaseState, CaseEvent>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
  ) {
    this.cases = {
      initialState: caseDecider.initialState,
      evolve: caseDecider.evolve,
      // A case's row is written with its events, so its state there is the stream's state at the row's version.
      loadSnapshots: async (manager, streamIds) => {
        const rows: Array<{ case_id: string; version: number; snapshot: Case }> = await manager.query(
          `SELECT case_id, version, snapshot FROM cases WHERE case_id = ANY($1::uuid[])`,
          [streamIds.map(caseIdOfStream)],
        );
        return new Map(rows.map((row) => [caseStreamId(row.case_id), { state: row.snapshot, version: row.version }]));
      },
    };
  }

  /** One command: a refusal is thrown as its DomainError and records nothing. */
  async execute(command: CaseCommand, context: CaseWriteContext = {}): Promise<CaseWritten> {
    const [outcome] = await this.executeMany([{ command, causationId: context.causationId }], { manager: context.manager });
    if (outcome.kind === 'refused') throw outcome.error;
    return outcome.value;
  }

  /**
   * Many commands in one handleBatch: one read of every case they name, one append, one write of the rows.
   * Each is decided against the state the earlier ones left, with its follow-ups as `execute` decides them;
   * a refusal refuses that command alone (nothing it decided is kept) and is returned in its place.
   */
  async executeMany(commands: readonly CaseBatchCommand[], context: Pick<CaseWriteContext, 'manager'> = {}): Promise<CaseOutcome[]> {
    if (commands.length === 0) return [];
    const runner = context.manager ?? this.dataSource;
    const manager = context.manager ?? this.dataSource.manager;
    const related = await this.relatedCaseIds(
      commands.map((c) => c.command),
      manager,
    );
    const metadata = commands.map(({ command, causationId }) => metadataOf(command, causationId));
    return handleBatch<CaseWritten>(runner, {
      store: this.store,
      // Every command records its own metadata over this (its actor, correlation and cause).
      metadata: metadata[0],
      commands: commands.map(({ command }, index) => this.batchCommand(command, related[index], metadata[index])),
      project: (projection, written) => projectCases(projection, written.of(this.cases)),
    });
  }

  /** The case's current state (its row's snapshot is current: both are written in one transaction). */
  async state(caseId: string, manager: EntityManager = this.dataSource.manager): Promise<CaseState> {
    const rows: Array<{ snapshot: Case }> = await manager.query(`SELECT snapshot FROM cases WHERE case_id = $1`, [caseId]);
    return rows[0]?.snapshot ?? caseDecider.initialState();
  }

  private stream(caseId: string): StreamRef<CaseState, CaseEvent> {
    return { aggregate: this.cases, streamId: caseStreamId(caseId) };
  }

  /** A command decided with what its events set off on other cases, all recorded with its own metadata. */
  private batchCommand(command: CaseCommand, related: string[], metadata: CaseEventMetadata): BatchCommand<CaseWritten> {
    const own = this.stream(command.caseId);
    return {
      streams: [own, ...related.map((caseId) => this.stream(caseId))],
      decide: (decisions) => {
        const events = caseDecider.decide(command, decisions.state(own));
        const state = decisions.record(own, events, metadata);
        for (const next of followUps(command, events)) {
          const target = this.stream(next.caseId);
          const targetState = decisions.state(target);
          if (targetState.kind !== 'case') {
            if (next.type === 'MergeSources') {
              throw new DomainError(CASE_ERRORS.CASE_NOT_FOUND, `case ${next.caseId} (duplicateOf) does not exist`, { field: 'duplicateOf' });
            }
            // The item or report the fix names has no case (yet): it takes the fix when the proposal's case changes again.
            continue;
          }
          decisions.record(target, caseDecider.decide(next, targetState), metadata);
        }
        return { state, events };
      },
    };
  }

  /**
   * Per command, the cases it may set off something on, read with the case so the follow-up is decided
   * against them: the survivor of a duplicate, the item or report a fix proposal names. A fix proposal's
   * target is read from its row (one query for the batch), or from its OpenFixCase earlier in the batch.
   */
  private async relatedCaseIds(commands: readonly CaseCommand[], manager: EntityManager): Promise<string[][]> {
    const openedTargets = new Map<string, string | null>();
    const lookup = new Set<string>();
    for (const command of commands) {
      if (command.type === 'OpenFixCase') openedTargets.set(command.caseId, fixTargetCaseId(command.fix.target));
      else if (!isOpening(command) && command.type !== 'MarkDuplicate' && !openedTargets.has(command.caseId)) lookup.add(command.caseId);
    }
    const targets = new Map<string, string | null>();
    if (lookup.size > 0) {
      const rows: Array<{ case_id: string; target_case_id: string | null }> = await manager.query(
        `SELECT case_id, target_case_id FROM cases WHERE case_id = ANY($1::uuid[]) AND target_case_id IS NOT NULL`,
        [[...lookup].filter(isUuid)],
      );
      for (const row of rows) targets.set(row.case_id, row.target_case_id);
    }
    return commands.map((command) => {
      if (command.type === 'MarkDuplicate') return command.duplicateOf === command.caseId || !isUuid(command.duplicateOf) ? [] : [command.duplicateOf];
      if (command.type === 'OpenFixCase') {
        const target = fixTargetCaseId(command.fix.target);
        return target === null ? [] : [target];
      }
      if (isOpening(command)) return [];
      const target = openedTargets.get(command.caseId) ?? targets.get(command.caseId) ?? null;
      return target === null ? [] : [target];
    });
  }
}

/** Commands that open a case: it has no row yet, so nothing to look up for it. */
function isOpening(command: CaseCommand): boolean {
  return command.type === 'OpenItemCase' || command.type === 'OpenReportCase' || command.type === 'OpenFixCase';
}

type CaseEventMetadata = NonNullable<NewEvent['metadata']> & AppendMetadata;

/** Who asked, as part of what and because of what: on every event the command records, its follow-ups' too. */
function metadataOf(command: CaseCommand, causationId: string | undefined): CaseEventMetadata {
  return {
    correlationId: command.correlationId,
    ...(causationId === undefined ? {} : { causationId }),
    actor: { ...command.actor, roles: [...command.actor.roles] },
  };
}

/** What a case's events ask of other cases, as commands to decide in the same batch. */
function followUps(command: CaseCommand, events: CaseEvent[]): CaseCommand[] {
  const commands: CaseCommand[] = [];
  for (const event of events) {
    const base = { actor: command.actor, correlationId: command.correlationId, at: command.at };
    if (event.type === 'CaseMarkedDuplicate') {
      commands.push({ type: 'MergeSources', caseId: event.duplicateOf, fromCaseId: event.caseId, sources: event.sources, ...base });
    }
    if (event.type === 'FixAccepted') {
      const target = fixTargetCaseId(event.target);
      if (target !== null) commands.push({ type: 'AttachFix', caseId: target, fix: event.fix, ...base });
    }
  }
  return commands;
}

/** The case of the item or report a fix proposal names; `null` for a fix naming a device. */
export function fixTargetCaseId(target: Extract<CaseCommand, { type: 'OpenFixCase' }>['fix']['target']): string | null {
  switch (target.kind) {
    case 'item':
      return caseIdFor({ kind: 'item', providerPartyId: target.providerPartyId, identifier: target.identifier });
    case 'report':
      return caseIdFor({ kind: 'report', reportId: target.reportId });
    case 'device':
      return null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: string) => UUID.test(value);

/** make_key: how a make is compared with the makes a party is registered for. */
export function makeKey(make: string): string {
  return make.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The `cases` rows of the streams the batch wrote, from their new state: one statement for the whole batch. */
async function projectCases(manager: EntityManager, written: WrittenStream<CaseState>[]): Promise<void> {
  const rows = [];
  for (const stream of written) {
    const state = stream.state;
    if (state.kind !== 'case' || stream.recorded.length === 0) continue;
    const at = stream.recorded[stream.recorded.length - 1].recordedAt;
    const opened = stream.recorded[0].streamVersion === 1 ? stream.recorded[0].recordedAt : at;
    const { subject } = state;
    const device = subject.kind === 'fix' && subject.target.kind !== 'device' ? null : { make: subject.make, model: subject.model, firmwareVersion: subject.firmwareVersion, deviceType: subject.deviceType };
    rows.push({
      case_id: state.caseId,
      case_kind: state.caseKind,
      state: state.state,
      state_since: at,
      provider_party_id: providerOf(subject),
      make: device?.make ?? null,
      make_key: device?.make == null ? null : makeKey(device.make),
      model: device?.model ?? null,
      firmware_version: device?.firmwareVersion ?? null,
      device_type: device?.deviceType ?? null,
      assignee: state.assignee,
      accountable_party_id: state.accountable?.partyId ?? null,
      accountable_party_type: state.accountable?.partyType ?? null,
      waiting_on: state.wait?.partyId ?? null,
      waiting_for: state.wait?.waitingFor ?? null,
      waiting_since: state.wait?.since ?? null,
      wait_chased: state.wait?.chased ?? false,
      wait_overdue: state.wait?.overdue ?? false,
      fix_reference: state.fixReference,
      target_case_id: subject.kind === 'fix' ? fixTargetCaseId(subject.target) : null,
      published: state.published !== null,
      opened_at: opened,
      version: stream.version,
      snapshot: state,
    });
  }
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO cases (case_id, case_kind, state, state_since, provider_party_id, make, make_key, model, firmware_version, device_type, assignee,
       accountable_party_id, accountable_party_type, waiting_on, waiting_for, waiting_since, wait_chased, wait_overdue, fix_reference,
       target_case_id, published, opened_at, updated_at, version, snapshot)
     SELECT case_id, case_kind, state, state_since, provider_party_id, make, make_key, model, firmware_version, device_type, assignee,
       accountable_party_id, accountable_party_type, waiting_on, waiting_for, waiting_since, wait_chased, wait_overdue, fix_reference,
       target_case_id, published, opened_at, state_since, version, snapshot
     FROM json_to_recordset($1::json) AS r(case_id uuid, case_kind text, state text, state_since timestamptz, provider_party_id text, make text,
       make_key text, model text, firmware_version text, device_type text, assignee text, accountable_party_id text, accountable_party_type text,
       waiting_on text, waiting_for text, waiting_since timestamptz, wait_chased boolean, wait_overdue boolean, fix_reference text,
       target_case_id uuid, published boolean, opened_at timestamptz, version integer, snapshot jsonb)
     ON CONFLICT (case_id) DO UPDATE SET
       state_since = CASE WHEN cases.state = EXCLUDED.state THEN cases.state_since ELSE EXCLUDED.state_since END,
       state = EXCLUDED.state, make = EXCLUDED.make, make_key = EXCLUDED.make_key, model = EXCLUDED.model,
       firmware_version = EXCLUDED.firmware_version, device_type = EXCLUDED.device_type, assignee = EXCLUDED.assignee,
       accountable_party_id = EXCLUDED.accountable_party_id, accountable_party_type = EXCLUDED.accountable_party_type,
       waiting_on = EXCLUDED.waiting_on, waiting_for = EXCLUDED.waiting_for, waiting_since = EXCLUDED.waiting_since,
       wait_chased = EXCLUDED.wait_chased, wait_overdue = EXCLUDED.wait_overdue, fix_reference = EXCLUDED.fix_reference,
       published = EXCLUDED.published, updated_at = EXCLUDED.updated_at, version = EXCLUDED.version, snapshot = EXCLUDED.snapshot`,
    // As one JSON document, which PostgreSQL parses in one go (as the event store reads streams).
    [JSON.stringify(rows)],
  );
}
