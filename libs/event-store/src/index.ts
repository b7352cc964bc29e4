export * from './types';
export { ConcurrencyError } from './errors';
export { UpcasterRegistry, Upcast } from './upcasters';
export {
  PostgresEventStore,
  COPY_THRESHOLD,
  EventStoreOptions,
  AppendMetadata,
  ReadStreamOptions,
  ReadAllOptions,
  ReadAllResult,
  StreamToDecide,
  StreamForDecision,
} from './event-store';
export { CreateEventStore1730000000000, NotifyAppendsAfterCommit1760000000000, EVENT_STORE_MIGRATIONS } from './migrations';

// COPY FROM STDIN through plain pg: the store's large appends, and the raw baselines of the event-store bench.
export { copyFromStdin, copyText } from './copy-from-stdin';
export { APPEND_CHANNEL, AppendNotifications, pgConnectionConfig, WakeUp } from './append-notifications';
export {
  Aggregate,
  BatchCommand,
  CommandOutcome,
  Decisions,
  DEFAULT_MAX_ATTEMPTS,
  handleBatch,
  HandleBatchOptions,
  handleCommand,
  HandleCommandOptions,
  HandledCommand,
  Snapshot,
  StreamRef,
  TypedEvent,
  WrittenStream,
  WrittenStreams,
  toDomainEvent,
  toNewEvent,
} from './command-handler';
