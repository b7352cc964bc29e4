import { Injectable } from '@nestjs/common';
import { AccountableParty, DeviceType, FixReferenceStatus } from '@smi/contracts';
import { PermanentMessageError } from '@smi/consumer';
import { IncomingMessage } from '@smi/kafka';
import { EntityManager } from 'typeorm';
import { CASE_ERRORS } from '../case-aggregate';
import { CaseWriter } from '../case-store';
import { AccountableParties, lockRegistry } from '../parties/accountable-parties';
import { casesNamed, CasesRead, KnownCase, planCaseCommands } from './case-plan';
import { IntakeCaseMessage, intakeCaseMessage } from './intake-message';

interface CaseRow {
  case_id: string;
  make: string | null;
  device_type: DeviceType | null;
  accountable_party_id: string | null;
  accountable_party_type: AccountableParty['partyType'] | null;
  fix_reference: FixReferenceStatus;
  target_case_id: string | null;
}

const CASE_COLUMNS = 'case_id, make, device_type, accountable_party_id, accountable_party_type, fix_reference, target_case_id';

/**
 * Applies a batch of intake events to the cases, in the consumer's inbox transaction: every command of the
 * batch is decided in one handleBatch (one read, one append, one write of the rows), so a provider's file of
 * a million rows costs a transaction per few hundred items, not one per item.
 *
 * A redelivered event is dropped by the inbox; one that comes back under another id finds its case open
 * (CASE_EXISTS) or its content recorded (the decider records nothing), and changes nothing. An event that can
 * never be applied (a revision of an item whose submission was dead-lettered) fails the whole batch as a
 * PermanentMessageError; the consumer then applies the batch one event per transaction, so only that event
 * is dead-lettered, and nothing of it is kept.
 */
@Injectable()
export class CasesFromIntake {
  constructor(private readonly writer: CaseWriter) {}

  async apply(messages: readonly IncomingMessage[], manager: EntityManager): Promise<void> {
    const events = messages.map(intakeCaseMessage);
    // Locks before reads: what is read below stays true until this transaction commits.
    await lockRegistry(manager, 'read');
    const named = casesNamed(events);
    await lockFixReferences(manager, named.settled, named.fixTargets);
    const read = await readCases(manager, [...named.own, ...named.fixTargets], named.settled);
    const parties = await AccountableParties.load(manager);
    const planned = planCaseCommands(events, read, parties, new Date().toISOString());
    const outcomes = await this.writer.executeMany(
      planned.map(({ command, causationId }) => ({ command, causationId })),
      { manager },
    );
    outcomes.forEach((outcome, index) => {
      if (outcome.kind === 'decided') return;
      const { command, message, opens } = planned[index];
      // Opened before: the same event again, under another message id.
      if (opens && outcome.error.code === CASE_ERRORS.CASE_EXISTS) return;
      throw new PermanentMessageError(`${describeEvent(events[message])} cannot be applied: ${command.type} on case ${command.caseId} was refused ${outcome.error.code}: ${outcome.error.message}`, {
        cause: outcome.error,
      });
    });
  }
}

function describeEvent({ event, messageId }: IntakeCaseMessage): string {
  const data = event.data as unknown as Record<string, unknown>;
  const subject = event.type === 'ItemReported' ? `report ${data.reportId}` : event.type === 'FixProposed' ? `fix ${data.fixId}` : `item ${data.providerPartyId}/${data.identifier}`;
  return `intake event ${event.type} ${messageId} (${subject})`;
}

/**
 * Intake may deliver a fix proposal and the item it names in either order, and two instances may apply them
 * at once: the proposal checking for the item's case while the item's case, opening, looks for proposals
 * naming it, each blind to the other's uncommitted work, would leave the reference unresolved for good. So a
 * proposal takes the named case's lock exclusive, an item (or report) opening or revising its own shared:
 * the two wait for each other, openings never. Taken in one order (by key), in one statement.
 */
async function lockFixReferences(manager: EntityManager, settled: readonly string[], fixTargets: readonly string[]): Promise<void> {
  const ids = [...settled, ...fixTargets];
  if (ids.length === 0) return;
  await manager.query(
    `SELECT count(*) FROM (
       SELECT k, bool_or(x) AS x
       FROM unnest($1::text[], $2::boolean[]) AS t(id, x), LATERAL (SELECT hashtextextended('verification:case-target:' || t.id, 0) AS k) h
       GROUP BY k ORDER BY k) l
     CROSS JOIN LATERAL (SELECT pg_advisory_xact_lock(l.k) WHERE l.x UNION ALL SELECT pg_advisory_xact_lock_shared(l.k) WHERE NOT l.x) locked`,
    [ids, [...settled.map(() => false), ...fixTargets.map(() => true)]],
  );
}

async function readCases(manager: EntityManager, caseIds: readonly string[], settled: readonly string[]): Promise<CasesRead> {
  const rows: CaseRow[] = await manager.query(`SELECT ${CASE_COLUMNS} FROM cases WHERE case_id = ANY($1::uuid[])`, [caseIds]);
  const fixRows: CaseRow[] = settled.length === 0 ? [] : await manager.query(`SELECT ${CASE_COLUMNS} FROM cases WHERE target_case_id = ANY($1::uuid[])`, [settled]);
  const fixesOf = new Map<string, KnownCase[]>();
  for (const row of fixRows) {
    const fixes = fixesOf.get(row.target_case_id!) ?? [];
    fixes.push(knownCase(row));
    fixesOf.set(row.target_case_id!, fixes);
  }
  return { cases: new Map(rows.map((row) => [row.case_id, knownCase(row)])), fixesOf };
}

function knownCase(row: CaseRow): KnownCase {
  return {
    caseId: row.case_id,
    make: row.make,
    deviceType: row.device_type,
    accountable: row.accountable_party_id === null ? null : { partyId: row.accountable_party_id, partyType: row.accountable_party_type! },
    fixReference: row.fix_reference,
    targetCaseId: row.target_case_id,
  };
}
