export { EventConsumer, type EventConsumerOptions, type ConsumerStats } from './event-consumer';
export { PermanentMessageError } from './errors';
export type { RetryPolicy } from './retry-policy';
export { CreateInboxTable1730000000100, CONSUMER_MIGRATIONS } from './inbox.migration';
export {
  DeadLetterStore,
  DeadLetterAlreadyReplayedError,
  DeadLetterNotFoundError,
  DeadLetterNotReplayableError,
  type DeadLetter,
  type DeadLetterReplayer,
  type DeadLetterSummary,
} from './dead-letters';
export { DeadLetterReplay1790000000100 } from './dead-letter-replay.migration';
