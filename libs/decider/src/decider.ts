/**
 * A decider keeps business rules pure: `decide` turns a command and the current state into the events
 * that should be recorded, `evolve` folds an event into state. No I/O, no clock, no randomness: what a
 * rule needs (the time, the sender) arrives inside the command, so every rule is testable as
 * given events / when command / then events.
 */
export interface Decider<Command, State, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Rebuilds state by folding events in order. */
export function fold<State, Event>(decider: Pick<Decider<unknown, State, Event>, 'evolve' | 'initialState'>, events: readonly Event[]): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

/**
 * Raised by `decide` when a command is invalid in a way that records nothing (rules that record a
 * refusal return a refusal event instead). `code` is stable for API clients and tests.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
