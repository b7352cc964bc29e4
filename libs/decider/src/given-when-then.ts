import { Decider, DomainError, fold } from './decider';

/**
 * Given/when/then for deciders, framework-agnostic: it throws plain Errors with a readable diff so it
 * works under Jest or node:test alike.
 *
 *   given(deviceDecider, [prenotified]).when(correctVariant).then([variantCorrected]);
 *   given(deviceDecider, []).when(correctVariant).thenThrows('DEVICE_NOT_FOUND');
 */
export function given<Command, State, Event>(decider: Decider<Command, State, Event>, history: readonly Event[]) {
  return {
    when(command: Command) {
      const run = () => decider.decide(command, fold(decider, history));
      return {
        then(expected: readonly Event[]): Event[] {
          const actual = run();
          assertDeepEqual(actual, expected);
          return actual;
        },
        /** Checks with a predicate when only part of the events matters (e.g. generated ids). */
        thenMatches(check: (events: Event[]) => void): Event[] {
          const actual = run();
          check(actual);
          return actual;
        },
        thenNothingHappens(): void {
          assertDeepEqual(run(), []);
        },
        thenThrows(code: string): DomainError {
          try {
            const events = run();
            throw new Error(`expected DomainError ${code} but decide returned ${JSON.stringify(events)}`);
          } catch (error) {
            if (error instanceof DomainError) {
              if (error.code !== code) throw new Error(`expected DomainError ${code} but got ${error.code}: ${error.message}`);
              return error;
            }
            throw error;
          }
        },
      };
    },
    /** The state after the history: for rules whose outcome is state (e.g. projections of state). */
    state(): State {
      return fold(decider, history);
    },
  };
}

function assertDeepEqual(actual: unknown, expected: unknown): void {
  const a = stableStringify(actual);
  const e = stableStringify(expected);
  if (a !== e) {
    throw new Error(`events differ\n  expected: ${e}\n  actual:   ${a}`);
  }
}

function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Date) return v.toISOString();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)));
    }
    return v;
  });
}
