import { Decider, DomainError } from '@smi/decider';
import { CaseCommand } from './case-commands';
import { CASE_ERRORS } from './case-errors';
import { CaseEvent } from './case-events';
import { evolve } from './case-evolve';
import * as rules from './case-rules';
import { CaseState } from './case-state';

/*
 * The verification case as one Decider, stream `case-<caseId>`: state (case-state.ts), commands
 * (case-commands.ts), events (case-events.ts), how events change state (case-evolve.ts) and the rules that
 * decide (case-rules.ts). Every command's events pass through `withPublication`, the one place that decides
 * what publication hears.
 */

export type CaseDecider = Decider<CaseCommand, CaseState, CaseEvent>;

function decideWorkflow(command: CaseCommand, state: CaseState): CaseEvent[] {
  switch (command.type) {
    case 'OpenItemCase':
      return rules.openItemCase(command, state);
    case 'OpenReportCase':
      return rules.openReportCase(command, state);
    case 'OpenFixCase':
      return rules.openFixCase(command, state);
    case 'ReviseItem':
      return rules.reviseItem(command, state);
    case 'AttachDuplicateHints':
      return rules.attachDuplicateHints(command, state);
    case 'AssignAccountableParty':
      return rules.assignAccountableParty(command, state);
    case 'ClaimCase':
      return rules.claimCase(command, state);
    case 'ReleaseCase':
      return rules.releaseCase(command, state);
    case 'RequestInformation':
      return rules.requestInformation(command, state);
    case 'ProvideInformation':
      return rules.provideInformation(command, state);
    case 'VerifyCase':
      return rules.verifyCase(command, state);
    case 'AgreeInclusion':
      return rules.agreeInclusion(command, state);
    case 'DisputeInclusion':
      return rules.disputeInclusion(command, state);
    case 'CloseNotIncluded':
      return rules.closeNotIncluded(command, state);
    case 'IncludeDespiteDispute':
      return rules.includeDespiteDispute(command, state);
    case 'RejectCase':
      return rules.rejectCase(command, state);
    case 'MarkDuplicate':
      return rules.markDuplicate(command, state);
    case 'MergeSources':
      return rules.mergeSources(command, state);
    case 'ConfirmFix':
      return rules.confirmFix(command, state);
    case 'AttachFix':
      return rules.attachFix(command, state);
    case 'ResolveFixReference':
      return rules.resolveFixReference(command, state);
    case 'WithdrawItem':
      return rules.withdrawItem(command, state);
    case 'MarkResponseOverdue':
      return rules.markResponseOverdue(command, state);
    default:
      throw new DomainError(CASE_ERRORS.INVALID_COMMAND, `unknown command ${String((command as { type?: unknown }).type)}`, { field: 'type' });
  }
}

export const caseDecider: CaseDecider = {
  initialState: () => ({ kind: 'no-case' }),
  evolve,
  decide: (command, state) => rules.withPublication(state, decideWorkflow(command, state)),
};
