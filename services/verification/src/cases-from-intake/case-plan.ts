import { AccountableParty, DeviceType, FixReferenceStatus } from '@smi/contracts';
import { CaseCommand } from '../case-aggregate';
import { caseIdFor, fixTargetCaseId } from '../case-store';
import { AccountableParties, sameParty } from '../parties/accountable-parties';
import { CASES_FROM_INTAKE_ACTOR, IntakeCaseMessage } from './intake-message';

/** What the plan needs of a case that exists already: its `cases` row, read under the batch's locks. */
export interface KnownCase {
  caseId: string;
  make: string | null;
  deviceType: DeviceType | null;
  accountable: AccountableParty | null;
  fixReference: FixReferenceStatus;
  targetCaseId: string | null;
}

export interface CasesRead {
  /** The cases the batch names (its own cases, the items and reports its fix proposals name) that exist. */
  cases: ReadonlyMap<string, KnownCase>;
  /** The fix proposals naming an item or report case the batch opens or revises. */
  fixesOf: ReadonlyMap<string, readonly KnownCase[]>;
}

export interface PlannedCommand {
  command: CaseCommand;
  /** The message it comes from (its index in the batch). */
  message: number;
  causationId: string;
  /** An opening: a case already open means the event was applied before (redelivered under another id). */
  opens: boolean;
}

/**
 * The case commands of a batch of intake events, in the events' order, each followed by what it sets off:
 * - ItemSubmitted opens the item's case; ItemReported the report's; FixProposed the proposal's, its
 *   reference resolved when the item it names has a case (or is opened earlier in the batch);
 * - an item's case opening resolves every proposal naming it whose reference was unresolved
 *   (`item-submitted`), since intake may deliver the item after the fix;
 * - ItemRevised revises the item's case; PossibleDuplicateFlagged attaches its matches to the flagged item's case;
 * - the accountable party comes from the registry (`AccountableParties`): for a proposal naming an item or a
 *   report, that case's make and device type; a proposal that found no such case gets it once that case
 *   opens, and a revision that moves the item to another make moves the item and its proposals to that
 *   make's party.
 * Pure: what it needs from the database is read beforehand (`CasesRead`), under the locks that keep it true.
 */
export function planCaseCommands(messages: readonly IntakeCaseMessage[], read: CasesRead, parties: AccountableParties, at: string): PlannedCommand[] {
  const cases = new Map<string, KnownCase>([...read.cases].map(([id, known]) => [id, { ...known }]));
  // One object per case, whichever way it was read, so that what the plan settles on it is seen everywhere.
  const fixesOf = new Map<string, KnownCase[]>(
    [...read.fixesOf].map(([id, fixes]) => [
      id,
      fixes.map((fix) => {
        if (!cases.has(fix.caseId)) cases.set(fix.caseId, { ...fix });
        return cases.get(fix.caseId)!;
      }),
    ]),
  );
  const planned: PlannedCommand[] = [];

  messages.forEach((message, index) => {
    const base = { correlationId: message.correlationId, at };
    const push = (command: CaseCommand, opens = false) => planned.push({ command, message: index, causationId: message.messageId, opens });
    const known = (caseId: string, fresh: KnownCase) => {
      if (!cases.has(caseId)) cases.set(caseId, fresh);
      return cases.get(caseId)!;
    };

    /** The proposals naming a case: each takes the case's accountable party, and on opening an item its reference resolves. */
    const settleFixesOf = (target: KnownCase, itemOpened: boolean) => {
      const accountable = parties.for(target.make, target.deviceType);
      for (const fix of fixesOf.get(target.caseId) ?? []) {
        const derived = { ...base, caseId: fix.caseId, actor: CASES_FROM_INTAKE_ACTOR };
        if (itemOpened && fix.fixReference === 'unresolved') {
          push({ type: 'ResolveFixReference', ...derived, resolution: 'item-submitted' });
          fix.fixReference = 'resolved';
        }
        if (accountable !== null && !sameParty(accountable, fix.accountable)) {
          push({ type: 'AssignAccountableParty', ...derived, accountable });
          fix.accountable = accountable;
        }
      }
    };

    const { event } = message;
    switch (event.type) {
      case 'ItemSubmitted': {
        const item = event.data;
        const caseId = caseIdFor({ kind: 'item', providerPartyId: item.providerPartyId, identifier: item.identifier });
        const accountable = parties.for(item.make, item.deviceType);
        push({ type: 'OpenItemCase', caseId, actor: message.actor, ...base, item, accountable }, true);
        settleFixesOf(known(caseId, { caseId, make: item.make, deviceType: item.deviceType, accountable, fixReference: 'not-applicable', targetCaseId: null }), true);
        return;
      }
      case 'ItemReported': {
        const report = event.data;
        const caseId = caseIdFor({ kind: 'report', reportId: report.reportId });
        const accountable = parties.for(report.make, report.deviceType);
        push({ type: 'OpenReportCase', caseId, actor: message.actor, ...base, report, accountable }, true);
        settleFixesOf(known(caseId, { caseId, make: report.make, deviceType: report.deviceType, accountable, fixReference: 'not-applicable', targetCaseId: null }), false);
        return;
      }
      case 'FixProposed': {
        const fix = event.data;
        const caseId = caseIdFor({ kind: 'fix', fixId: fix.fixId });
        const targetCaseId = fixTargetCaseId(fix.target);
        const target = targetCaseId === null ? undefined : cases.get(targetCaseId);
        // A fix for an item or a report answers to that device's party; until that case exists, to the make it names, if any.
        const accountable = target !== undefined ? parties.for(target.make, target.deviceType) : parties.for(fix.make, fix.deviceType);
        const targetItemFound = target !== undefined;
        push({ type: 'OpenFixCase', caseId, actor: message.actor, ...base, fix, accountable, targetItemFound }, true);
        const fixReference = fix.target.kind !== 'item' ? 'not-applicable' : targetItemFound ? 'resolved' : 'unresolved';
        if (!cases.has(caseId) && targetCaseId !== null) {
          const opened = known(caseId, { caseId, make: null, deviceType: null, accountable, fixReference, targetCaseId });
          fixesOf.set(targetCaseId, [...(fixesOf.get(targetCaseId) ?? []), opened]);
        }
        return;
      }
      case 'ItemRevised': {
        const revision = event.data;
        const caseId = caseIdFor({ kind: 'item', providerPartyId: revision.providerPartyId, identifier: revision.identifier });
        push({ type: 'ReviseItem', caseId, actor: message.actor, ...base, revision });
        const current = cases.get(caseId);
        // A revision of an item without a case is refused (CASE_NOT_FOUND): nothing to reassign.
        if (current === undefined) return;
        current.make = revision.make;
        current.deviceType = revision.deviceType;
        const accountable = parties.for(revision.make, revision.deviceType);
        if (accountable !== null && !sameParty(accountable, current.accountable)) {
          push({ type: 'AssignAccountableParty', caseId, actor: CASES_FROM_INTAKE_ACTOR, ...base, accountable });
          current.accountable = accountable;
        }
        settleFixesOf(current, false);
        return;
      }
      case 'PossibleDuplicateFlagged': {
        const flag = event.data;
        const caseId = caseIdFor({ kind: 'item', providerPartyId: flag.providerPartyId, identifier: flag.identifier });
        push({ type: 'AttachDuplicateHints', caseId, actor: message.actor, ...base, flag });
        return;
      }
    }
  });
  return planned;
}

/** The cases a batch reads and locks: its own (opened, revised, flagged) and those its fix proposals name. */
export function casesNamed(messages: readonly IntakeCaseMessage[]): { own: string[]; fixTargets: string[]; settled: string[] } {
  const own = new Set<string>();
  const fixTargets = new Set<string>();
  const settled = new Set<string>();
  for (const { event } of messages) {
    switch (event.type) {
      case 'ItemSubmitted':
      case 'ItemRevised': {
        const caseId = caseIdFor({ kind: 'item', providerPartyId: event.data.providerPartyId, identifier: event.data.identifier });
        own.add(caseId);
        settled.add(caseId);
        break;
      }
      case 'PossibleDuplicateFlagged':
        own.add(caseIdFor({ kind: 'item', providerPartyId: event.data.providerPartyId, identifier: event.data.identifier }));
        break;
      case 'ItemReported': {
        const caseId = caseIdFor({ kind: 'report', reportId: event.data.reportId });
        own.add(caseId);
        settled.add(caseId);
        break;
      }
      case 'FixProposed': {
        own.add(caseIdFor({ kind: 'fix', fixId: event.data.fixId }));
        const target = fixTargetCaseId(event.data.target);
        if (target !== null) fixTargets.add(target);
        break;
      }
    }
  }
  return { own: [...own], fixTargets: [...fixTargets], settled: [...settled] };
}
