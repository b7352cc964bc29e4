import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@smi/decider';
import { Aggregate, handleBatch, PostgresEventStore, StreamRef, WrittenStream } from '@smi/event-store';
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

  async execute(command: CaseCommand, context: CaseWriteContext = {}): Promise<CaseWritten> {
    const runner = context.manager ?? this.dataSource;
    const manager = context.manager ?? this.dataSource.manager;
    const own = this.stream(command.caseId);
    const related = await this.relatedCaseIds(command, manager);
    const metadata = { correlationId: command.correlationId, causationId: context.causationId, actor: { ...command.actor, roles: [...command.actor.roles] } };
    const [outcome] = await handleBatch<CaseWritten>(runner, {
      store: this.store,
      metadata,
      commands: [
        {
          streams: [own, ...related.map((caseId) => this.stream(caseId))],
          decide: (decisions) => {
            const events = caseDecider.decide(command, decisions.state(own));
            const state = decisions.record(own, events);
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
              decisions.record(target, caseDecider.decide(next, targetState));
            }
            return { state, events };
          },
        },
      ],
      project: (projection, written) => projectCases(projection, written.of(this.cases)),
    });
    if (outcome.kind === 'refused') throw outcome.error;
    return outcome.value;
  }

  /** The case's current state (its row's snapshot is current: both are written in one transaction). */
  async state(caseId: string, manager: EntityManager = this.dataSource.manager): Promise<CaseState> {
    const rows: Array<{ snapshot: Case }> = await manager.query(`SELECT snapshot FROM cases WHERE case_id = $1`, [caseId]);
    return rows[0]?.snapshot ?? caseDecider.initialState();
  }

  private stream(caseId: string): StreamRef<CaseState, CaseEvent> {
    return { aggregate: this.cases, streamId: caseStreamId(caseId) };
  }

  /** Cases the command may set off something on, read with the case so the follow-up is decided against them. */
  private async relatedCaseIds(command: CaseCommand, manager: EntityManager): Promise<string[]> {
    if (command.type === 'MarkDuplicate') return command.duplicateOf === command.caseId || !isUuid(command.duplicateOf) ? [] : [command.duplicateOf];
    if (command.type === 'OpenFixCase') {
      const target = fixTargetCaseId(command.fix.target);
      return target === null ? [] : [target];
    }
    const rows: Array<{ target_case_id: string | null }> = await manager.query(`SELECT target_case_id FROM cases WHERE case_id = $1`, [command.caseId]);
    const target = rows[0]?.target_case_id ?? null;
    return target === null ? [] : [target];
  }
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

/** The `cases` rows of the streams the batch wrote, from their new state. */
async function projectCases(manager: EntityManager, written: WrittenStream<CaseState>[]): Promise<void> {
  for (const stream of written) {
    const state = stream.state;
    if (state.kind !== 'case' || stream.recorded.length === 0) continue;
    const at = stream.recorded[stream.recorded.length - 1].recordedAt;
    const opened = stream.recorded[0].streamVersion === 1 ? stream.recorded[0].recordedAt : at;
    const { subject } = state;
    const device = subject.kind === 'fix' && subject.target.kind !== 'device' ? null : { make: subject.make, model: subject.model, firmwareVersion: subject.firmwareVersion, deviceType: subject.deviceType };
    await manager.query(
      `INSERT INTO cases (case_id, case_kind, state, state_since, provider_party_id, make, make_key, model, firmware_version, device_type, assignee,
         accountable_party_id, accountable_party_type, waiting_on, waiting_for, waiting_since, wait_chased, wait_overdue, fix_reference,
         target_case_id, published, opened_at, updated_at, version, snapshot)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $4, $23, $24)
       ON CONFLICT (case_id) DO UPDATE SET
         state_since = CASE WHEN cases.state = EXCLUDED.state THEN cases.state_since ELSE EXCLUDED.state_since END,
         state = EXCLUDED.state, make = EXCLUDED.make, make_key = EXCLUDED.make_key, model = EXCLUDED.model,
         firmware_version = EXCLUDED.firmware_version, device_type = EXCLUDED.device_type, assignee = EXCLUDED.assignee,
         accountable_party_id = EXCLUDED.accountable_party_id, accountable_party_type = EXCLUDED.accountable_party_type,
         waiting_on = EXCLUDED.waiting_on, waiting_for = EXCLUDED.waiting_for, waiting_since = EXCLUDED.waiting_since,
         wait_chased = EXCLUDED.wait_chased, wait_overdue = EXCLUDED.wait_overdue, fix_reference = EXCLUDED.fix_reference,
         published = EXCLUDED.published, updated_at = EXCLUDED.updated_at, version = EXCLUDED.version, snapshot = EXCLUDED.snapshot`,
      [
        state.caseId,
        state.caseKind,
        state.state,
        at,
        providerOf(subject),
        device?.make ?? null,
        device?.make == null ? null : makeKey(device.make),
        device?.model ?? null,
        device?.firmwareVersion ?? null,
        device?.deviceType ?? null,
        state.assignee,
        state.accountable?.partyId ?? null,
        state.accountable?.partyType ?? null,
        state.wait?.partyId ?? null,
        state.wait?.waitingFor ?? null,
        state.wait?.since ?? null,
        state.wait?.chased ?? false,
        state.wait?.overdue ?? false,
        state.fixReference,
        subject.kind === 'fix' ? fixTargetCaseId(subject.target) : null,
        state.published !== null,
        opened,
        stream.version,
        JSON.stringify(state),
      ],
    );
  }
}
