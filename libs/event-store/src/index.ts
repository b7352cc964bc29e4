export * from './types';
export { ConcurrencyError } from './errors';
export { UpcasterRegistry, Upcast } from './upcasters';
export { PostgresEventStore, EventStoreOptions, AppendMetadata, ReadStreamOptions, ReadAllOptions, ReadAllResult } from './event-store';
export { CreateEventStore1730000000000, NotifyAppendsAfterCommit1760000000000, EVENT_STORE_MIGRATIONS } from './migrations';

export { APPEND_CHANNEL, AppendNotifications, pgConnectionConfig, WakeUp } from './append-notifications';
export { handleCommand, HandleCommandOptions, HandledCommand, TypedEvent, toDomainEvent, toNewEvent } from './command-handler';
