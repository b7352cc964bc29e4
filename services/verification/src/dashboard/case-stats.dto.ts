import { ApiProperty } from '@nestjs/swagger';
import { CASE_KINDS, CASE_STATES, CaseKind, CaseStateName } from '@smi/contracts';

/** The age buckets of issue point 10, in working days since a case entered its current state. */
export const AGE_BUCKETS = [
  { workingDays: '0-5', upTo: 5 },
  { workingDays: '6-15', upTo: 15 },
  { workingDays: '16+', upTo: Infinity },
] as const;

export class AgeBucketView {
  @ApiProperty({ enum: AGE_BUCKETS.map((b) => b.workingDays), example: '6-15', description: 'Working days since the case entered its current state' })
  workingDays!: string;

  @ApiProperty({ example: 4 })
  cases!: number;
}

export class OldestWaitingView {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ enum: CASE_KINDS })
  caseKind!: CaseKind;

  @ApiProperty({ enum: CASE_STATES, example: 'awaiting-agreement' })
  state!: CaseStateName;

  @ApiProperty({ example: 'MFR-NORTHWIND', description: 'The party the case waits on' })
  waitingOn!: string;

  @ApiProperty({ enum: ['information', 'agreement', 'confirmation'] })
  waitingFor!: string;

  @ApiProperty({ example: '2026-03-26T10:00:00.000Z', description: 'When the wait started' })
  since!: string;

  @ApiProperty({ example: 16, description: 'Working days since the London day the wait started' })
  workingDays!: number;

  @ApiProperty({ description: 'Recorded overdue by chasing (PartyResponseOverdue)' })
  overdue!: boolean;
}

export class VerifierLoadView {
  @ApiProperty({ example: 'dcc-verifier-1', description: 'The DCC user who claimed the cases' })
  assignee!: string;

  @ApiProperty({ example: 3 })
  claimed!: number;
}

export class PartyWaitedOnView {
  @ApiProperty({ example: 'MFR-NORTHWIND' })
  partyId!: string;

  @ApiProperty({ example: 5, description: 'Cases waiting on the party' })
  waiting!: number;

  @ApiProperty({ example: 1, description: 'Of those, waits recorded overdue by chasing' })
  overdue!: number;
}

export class CaseStatsView {
  @ApiProperty({ example: '2026-04-21', description: 'The London day the ages are counted to' })
  asOf!: string;

  @ApiProperty({ example: 42 })
  total!: number;

  @ApiProperty({ example: { queued: 3, claimed: 2 }, description: 'Cases in each state (every state, zeros included)' })
  byState!: Record<CaseStateName, number>;

  @ApiProperty({ example: { item: 30, report: 8, fix: 4 }, description: 'Cases of each kind' })
  byKind!: Record<CaseKind, number>;

  @ApiProperty({ example: { queued: { item: 2, report: 1, fix: 0 } }, description: 'Cases in each state by kind' })
  byStateAndKind!: Record<CaseStateName, Record<CaseKind, number>>;

  @ApiProperty({
    type: [AgeBucketView],
    description:
      'Open cases (queued, claimed, awaiting information or agreement, disputed, or verified and waiting on a fix confirmation) by working days since they entered their current state',
  })
  byAge!: AgeBucketView[];

  @ApiProperty({ type: OldestWaitingView, nullable: true, description: 'The case that has waited longest on a party; null when none waits' })
  oldestWaiting!: OldestWaitingView | null;

  @ApiProperty({ type: [VerifierLoadView], description: 'Claimed cases per verifier, most first' })
  perVerifier!: VerifierLoadView[];

  @ApiProperty({ type: [PartyWaitedOnView], description: 'Per party waited on: cases waiting, and how many of those waits are overdue' })
  perPartyWaitedOn!: PartyWaitedOnView[];
}
