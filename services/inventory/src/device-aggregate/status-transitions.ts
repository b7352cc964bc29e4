import { SMI_STATUSES, SmiStatus } from './identifiers';

/**
 * The one table of SMI status transitions (docs/domain.md "SMI status"; every row there is marked assumed).
 * Anything not listed is refused. Status changes are reported by the DSP, never requested by suppliers.
 *
 * Statuses with no outgoing row are terminal: Decommissioned, Withdrawn, Recovered, NotApplicable.
 * NotApplicable is not reached by any transition: a Type 2 device is given it at pre-notification only
 * when the decider is configured so (see `DeviceRuleOptions.type2InitialStatus`).
 */
export interface StatusTransition {
  readonly from: SmiStatus;
  readonly to: SmiStatus;
  /** The business event behind the move, for readers and for audit messages. */
  readonly why: string;
}

/** SR12.2 Device Pre-notification creates the device in this status. */
export const STATUS_ON_PRENOTIFICATION: SmiStatus = 'Pending';

export const STATUS_TRANSITIONS: readonly StatusTransition[] = [
  { from: 'Pending', to: 'Whitelisted', why: 'added to the Comms Hub device log' },
  { from: 'Pending', to: 'InstalledNotCommissioned', why: 'installed and left' },
  { from: 'Whitelisted', to: 'InstalledNotCommissioned', why: 'installed and left' },
  { from: 'Pending', to: 'Commissioned', why: 'commissioned' },
  { from: 'Whitelisted', to: 'Commissioned', why: 'commissioned' },
  { from: 'InstalledNotCommissioned', to: 'Commissioned', why: 'commissioned' },
  { from: 'Commissioned', to: 'Suspended', why: 'model or firmware not on the Central Products List' },
  { from: 'Suspended', to: 'Commissioned', why: 'model and firmware back on the Central Products List' },
  { from: 'Commissioned', to: 'Decommissioned', why: 'decommissioned' },
  { from: 'InstalledNotCommissioned', to: 'Decommissioned', why: 'decommissioned' },
  { from: 'Suspended', to: 'Decommissioned', why: 'decommissioned' },
  { from: 'Pending', to: 'Withdrawn', why: 'pre-notification withdrawn' },
  { from: 'Commissioned', to: 'Recovery', why: 'recovery started' },
  { from: 'Recovery', to: 'Recovered', why: 'recovery completed' },
];

const allowed: ReadonlyMap<SmiStatus, ReadonlySet<SmiStatus>> = new Map(
  SMI_STATUSES.map((from) => [from, new Set(STATUS_TRANSITIONS.filter((t) => t.from === from).map((t) => t.to))]),
);

/** Whether the table allows moving `from` → `to`. Staying in the same status is not a transition. */
export function canTransition(from: SmiStatus, to: SmiStatus): boolean {
  return allowed.get(from)?.has(to) ?? false;
}

/** Statuses reachable in one step from `from`, in table order. */
export function allowedTransitionsFrom(from: SmiStatus): SmiStatus[] {
  return STATUS_TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);
}

export function transitionReason(from: SmiStatus, to: SmiStatus): string | undefined {
  return STATUS_TRANSITIONS.find((t) => t.from === from && t.to === to)?.why;
}
