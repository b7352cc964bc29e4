import { Decider, DomainError, fold } from '@smi/decider';
import { DataSource, EntityManager } from 'typeorm';
import { ConcurrencyError } from './errors';
import { AppendMetadata, PostgresEventStore } from './event-store';
import { AppendRequest, AppendResult, NO_STREAM, NewEvent, RecordedEvent } from './types';

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

/**
 * Every lost race means another writer won, so retrying always makes progress; twenty covers any realistic
 * pile-up on one stream (ten concurrent commands on one device are tested) before the caller sees the error.
 */
export const DEFAULT_MAX_ATTEMPTS = 20;

/** A stream's state as the caller keeps it elsewhere, e.g. a read-model row written with the stream's events. */
export interface Snapshot<S> {
  state: S;
  /** The stream version the state folds. */
  version: number;
}

/**
 * A kind of stream: how its events fold into state (a decider is one), and optionally where snapshots of that
 * state can be read instead of every event. Snapshots are used only where they are at the stream's version.
 */
export interface Aggregate<S, E extends TypedEvent> {
  initialState(): S;
  evolve(state: S, event: E): S;
  /** The snapshots it has of these streams, by stream id, read in the attempt's transaction (one query, please). */
  loadSnapshots?(manager: EntityManager, streamIds: string[]): Promise<ReadonlyMap<string, Snapshot<S>>>;
  /**
   * True when `loadSnapshots` has a snapshot of every stream that has events (a read-model row written in the
   * events' transaction from the first event on): a stream it leaves out is then taken as empty without being
   * read, which spares a file of new items a probe of the event table per row. The append still checks the
   * version, and should it find events after all, the retry reads every stream.
   */
  snapshotsCoverEveryStream?: boolean;
}

/** One stream of an aggregate. */
export interface StreamRef<S, E extends TypedEvent> {
  aggregate: Aggregate<S, E>;
  streamId: string;
}

type AnyStream = StreamRef<unknown, TypedEvent>;

/** What a command sees while it is decided: the batch's streams, with what earlier commands of the batch decided. */
export interface Decisions {
  state<S, E extends TypedEvent>(stream: StreamRef<S, E>): S;
  /** Records events decided for `stream` (appended with the batch) and returns the stream's state after them. */
  record<S, E extends TypedEvent>(stream: StreamRef<S, E>, events: readonly E[], metadata?: NewEvent['metadata']): S;
}

/** One command of a batch. */
export interface BatchCommand<R> {
  /** Every stream it reads or records on: the batch reads them all at once before deciding anything. */
  streams: readonly AnyStream[];
  /** Decides it; a DomainError refuses this command alone, and nothing it recorded is kept. */
  decide(decisions: Decisions): R;
}

export type CommandOutcome<R> = { kind: 'decided'; value: R } | { kind: 'refused'; error: DomainError };

/** A stream the batch appended to: its state and version after the batch, and the events as stored. */
export interface WrittenStream<S> {
  streamId: string;
  state: S;
  version: number;
  recorded: RecordedEvent[];
}

export interface WrittenStreams {
  of<S, E extends TypedEvent>(aggregate: Aggregate<S, E>): WrittenStream<S>[];
}

export interface HandleBatchOptions<R> {
  store: PostgresEventStore;
  commands: readonly BatchCommand<R>[];
  /** Stamped on every event; what a command records with its events is merged over it. */
  metadata: AppendMetadata;
  /**
   * Looks up, once the streams are read and before any command is decided, what commands need besides their
   * streams' state and which depends on it (intake searches other providers' items only for items that need it).
   */
  prepare?(manager: EntityManager, decisions: Pick<Decisions, 'state'>): Promise<void>;
  /** Inline read-model updates, in the append's transaction so they can never disagree with the events. */
  project?(manager: EntityManager, written: WrittenStreams): Promise<void>;
  /** How many times a lost race is decided again against the new state (default DEFAULT_MAX_ATTEMPTS). */
  maxAttempts?: number;
  /** Reads and decides but appends and projects nothing, outside any transaction (a submission's dry run). */
  dryRun?: boolean;
}

/**
 * The write path: one attempt reads every stream the commands name (each aggregate's snapshots, then one read of
 * all the streams, which brings the events of those without a snapshot at their version), decides the commands in order against state that
 * includes the batch's earlier decisions, appends everything with one appendMany at the versions read, and
 * runs the inline projection, all in one transaction. A lost race (ConcurrencyError: another writer appended
 * to one of the streams first) rolls the attempt back and the whole batch is decided again against the new
 * state, so a concurrent command is never lost or applied twice.
 *
 * Each attempt runs in a transaction of `runner`: a new one on a DataSource, a savepoint on an EntityManager
 * inside the caller's transaction (a consumer's inbox), so a retry undoes only the attempt.
 */
export async function handleBatch<R>(runner: DataSource | EntityManager, options: HandleBatchOptions<R>): Promise<CommandOutcome<R>[]> {
  if (options.dryRun) return decideBatch(runner instanceof DataSource ? runner.manager : runner, options, false);
  const attempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await runner.transaction((manager) => decideBatch(manager, options, true, attempt === 1));
    } catch (error) {
      if (error instanceof ConcurrencyError && attempt < attempts) continue;
      throw error;
    }
  }
}

export interface HandleCommandOptions<C, S, E extends TypedEvent> {
  store: PostgresEventStore;
  streamId: string;
  decider: Decider<C, S, E>;
  command: C;
  metadata: AppendMetadata;
  /** Inline read-model updates, run in the append's transaction; only when something was recorded. */
  project?: (manager: EntityManager, recorded: RecordedEvent[], newState: S) => Promise<void>;
  maxAttempts?: number;
}

export interface HandledCommand<S, E> {
  events: E[];
  recorded: RecordedEvent[];
  state: S;
  newState: S;
}

/** One command on one stream, through the same path as a batch; a refusal is thrown as the DomainError. */
export async function handleCommand<C, S, E extends TypedEvent>(runner: DataSource | EntityManager, options: HandleCommandOptions<C, S, E>): Promise<HandledCommand<S, E>> {
  const stream: StreamRef<S, E> = { aggregate: options.decider, streamId: options.streamId };
  let recorded: RecordedEvent[] = [];
  const [outcome] = await handleBatch(runner, {
    store: options.store,
    metadata: options.metadata,
    maxAttempts: options.maxAttempts,
    commands: [
      {
        streams: [stream],
        decide: (decisions) => {
          recorded = [];
          const state = decisions.state(stream);
          const events = options.decider.decide(options.command, state);
          return { state, events, newState: decisions.record(stream, events) };
        },
      },
    ],
    project: async (manager, written) => {
      const [mine] = written.of(options.decider);
      recorded = mine.recorded;
      if (options.project) await options.project(manager, mine.recorded, mine.state);
    },
  });
  if (outcome.kind === 'refused') throw outcome.error;
  const { state, events, newState } = outcome.value;
  return { state, events, newState, recorded };
}

interface Slot {
  stream: AnyStream;
  state: unknown;
  /** As read: the expected version of the append. */
  version: number;
  pending: NewEvent[];
}

/** One attempt, inside `manager`'s transaction; throws ConcurrencyError when it lost a race. */
async function decideBatch<R>(manager: EntityManager, options: HandleBatchOptions<R>, append: boolean, trustCoverage = true): Promise<CommandOutcome<R>[]> {
  const slots = await readSlots(manager, options.store, options.commands, trustCoverage);
  const decisions = new BatchDecisions(slots);
  if (options.prepare) await options.prepare(manager, decisions);
  const outcomes = options.commands.map((command) => decisions.run(command));
  if (!append) return outcomes;
  const requests: AppendRequest[] = [...slots.values()]
    .filter((slot) => slot.pending.length > 0)
    .map((slot) => ({ streamId: slot.stream.streamId, events: slot.pending, expectedVersion: slot.version === 0 ? NO_STREAM : slot.version }));
  if (requests.length === 0) return outcomes;
  const appended = await options.store.appendMany(requests, options.metadata, manager);
  if (options.project) await options.project(manager, writtenStreams(slots, appended));
  return outcomes;
}

/** Every stream the commands name, with its state: a current snapshot where its aggregate has one, else its events folded. */
async function readSlots(
  manager: EntityManager,
  store: PostgresEventStore,
  commands: readonly BatchCommand<unknown>[],
  trustCoverage: boolean,
): Promise<Map<string, Slot>> {
  const streams = new Map<string, AnyStream>();
  for (const command of commands) {
    for (const stream of command.streams) {
      const seen = streams.get(stream.streamId);
      if (seen && seen.aggregate !== stream.aggregate) throw new Error(`stream ${stream.streamId} is named under two aggregates`);
      streams.set(stream.streamId, stream);
    }
  }
  const byAggregate = new Map<Aggregate<unknown, TypedEvent>, string[]>();
  for (const stream of streams.values()) {
    if (!stream.aggregate.loadSnapshots) continue;
    const streamIds = byAggregate.get(stream.aggregate) ?? [];
    streamIds.push(stream.streamId);
    byAggregate.set(stream.aggregate, streamIds);
  }
  const snapshots = new Map<string, Snapshot<unknown>>();
  for (const [aggregate, streamIds] of byAggregate) {
    const found = await aggregate.loadSnapshots!(manager, streamIds);
    for (const streamId of streamIds) {
      const snapshot = found.get(streamId);
      if (snapshot) snapshots.set(streamId, snapshot);
    }
  }
  // Known empty: the aggregate's snapshots cover every stream with events and this one has none.
  const empty = (streamId: string) => trustCoverage && !snapshots.has(streamId) && streams.get(streamId)!.aggregate.snapshotsCoverEveryStream === true;
  const read = await store.readStreamsForDecision(
    [...streams.keys()].filter((streamId) => !empty(streamId)).map((streamId) => ({ streamId, snapshotVersion: snapshots.get(streamId)?.version })),
    manager,
  );
  const slots = new Map<string, Slot>();
  for (const [streamId, stream] of streams) {
    const { snapshotCurrent, events } = read.get(streamId) ?? { snapshotCurrent: false, events: [] };
    const snapshot = snapshots.get(streamId);
    if (snapshotCurrent && snapshot) {
      slots.set(streamId, { stream, state: snapshot.state, version: snapshot.version, pending: [] });
    } else {
      const state = fold(stream.aggregate, events.map((e) => toDomainEvent(e)));
      slots.set(streamId, { stream, state, version: events.length === 0 ? 0 : events[events.length - 1].streamVersion, pending: [] });
    }
  }
  return slots;
}

/** The batch's streams as commands are decided: a command's records are kept only when it is not refused. */
class BatchDecisions implements Decisions {
  private readonly staged = new Map<string, { state: unknown; pending: NewEvent[] }>();

  constructor(private readonly slots: Map<string, Slot>) {}

  run<R>(command: BatchCommand<R>): CommandOutcome<R> {
    this.staged.clear();
    try {
      const value = command.decide(this);
      for (const [streamId, staged] of this.staged) {
        const slot = this.slots.get(streamId)!;
        slot.state = staged.state;
        slot.pending.push(...staged.pending);
      }
      return { kind: 'decided', value };
    } catch (error) {
      if (error instanceof DomainError) return { kind: 'refused', error };
      throw error;
    } finally {
      this.staged.clear();
    }
  }

  state<S, E extends TypedEvent>(stream: StreamRef<S, E>): S {
    return (this.staged.get(stream.streamId) ?? this.slot(stream)).state as S;
  }

  record<S, E extends TypedEvent>(stream: StreamRef<S, E>, events: readonly E[], metadata?: NewEvent['metadata']): S {
    const staged = this.staged.get(stream.streamId) ?? { state: this.slot(stream).state, pending: [] };
    for (const event of events) {
      staged.state = stream.aggregate.evolve(staged.state as S, event);
      staged.pending.push({ ...toNewEvent(event), metadata });
    }
    this.staged.set(stream.streamId, staged);
    return staged.state as S;
  }

  private slot(stream: StreamRef<unknown, TypedEvent>): Slot {
    const slot = this.slots.get(stream.streamId);
    if (!slot || slot.stream.aggregate !== stream.aggregate) throw new Error(`stream ${stream.streamId} was not named by its command`);
    return slot;
  }
}

function writtenStreams(slots: Map<string, Slot>, appended: AppendResult[]): WrittenStreams {
  const written = appended.map((result) => ({ result, slot: slots.get(result.streamId)! }));
  return {
    of: <S, E extends TypedEvent>(aggregate: Aggregate<S, E>) =>
      written
        .filter(({ slot }) => slot.stream.aggregate === aggregate)
        .map(({ result, slot }) => ({ streamId: result.streamId, state: slot.state as S, version: result.nextVersion, recorded: result.events })),
  };
}
