import { Decider } from '@smi/decider';
import { DataSource, EntityManager } from 'typeorm';
import { ConcurrencyError } from './errors';
import { AppendMetadata, PostgresEventStore } from './event-store';
import { NO_STREAM, RecordedEvent } from './types';

/** Domain events as deciders see them: a `type` plus the event's data. */
export interface TypedEvent {
  type: string;
}

/** Turns a stored event back into the shape the decider evolves from. */
export function toDomainEvent<E extends TypedEvent>(recorded: RecordedEvent): E {
  return { ...(recorded.data as object), type: recorded.type } as E;
}

/** Splits a domain event into what the store keeps: the type apart, the rest as data. */
export function toNewEvent<E extends TypedEvent>(event: E): { type: string; data: Omit<E, 'type'> } {
  const { type, ...data } = event;
  return { type, data };
}

export interface HandleCommandOptions<C, S, E extends TypedEvent> {
  store: PostgresEventStore;
  /**
   * Where the command runs: a DataSource gives it a transaction of its own; the EntityManager of a transaction in
   * flight makes it part of that transaction (in a savepoint, so a lost race is retried without undoing the
   * caller's work).
   */
  dataSource: DataSource | EntityManager;
  streamId: string;
  decider: Decider<C, S, E>;
  /** Built per attempt, so a retried command can carry fresh ids or times if it needs to. */
  command: C;
  metadata: AppendMetadata;
  /** Inline read-model updates, run in the append's transaction so they can never disagree with the events. */
  project?: (manager: EntityManager, recorded: RecordedEvent[], newState: S) => Promise<void>;
  /** How many times a lost race is retried against the new state (default 5). */
  maxAttempts?: number;
}

export interface HandledCommand<S, E> {
  events: E[];
  recorded: RecordedEvent[];
  state: S;
  newState: S;
  version: number;
}

/**
 * The standard write path: load the stream, fold, decide, append with the version that was read.
 * When another writer got there first the append fails with a ConcurrencyError and the command is
 * decided again against the new state, so a concurrent command is retried, never lost or applied twice.
 */
export async function handleCommand<C, S, E extends TypedEvent>(options: HandleCommandOptions<C, S, E>): Promise<HandledCommand<S, E>> {
  const attempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      const transactions: Pick<EntityManager, 'transaction'> = options.dataSource;
      return await transactions.transaction(async (manager) => {
        const history = await options.store.readStream(options.streamId, {}, manager);
        const state = history.map((e) => toDomainEvent<E>(e)).reduce((s, e) => options.decider.evolve(s, e), options.decider.initialState());
        const events = options.decider.decide(options.command, state);
        const newState = events.reduce((s, e) => options.decider.evolve(s, e), state);
        const version = history.length;
        if (events.length === 0) return { events, recorded: [], state, newState, version };
        const result = await options.store.append(
          options.streamId,
          events.map((e) => toNewEvent(e)),
          version === 0 ? NO_STREAM : version,
          options.metadata,
          manager,
        );
        if (options.project) await options.project(manager, result.events, newState);
        return { events, recorded: result.events, state, newState, version: result.nextVersion };
      });
    } catch (error) {
      if (error instanceof ConcurrencyError && attempt < attempts) continue;
      throw error;
    }
  }
}
