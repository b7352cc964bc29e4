import type { Consumer, EachBatchPayload } from 'kafkajs';
import { toIncomingMessage, type IncomingMessage } from './messages';

/**
 * The lower-level consumer port. Services use `EventConsumer` from `@smi/consumer`, which builds exactly-once
 * effects on top of this; it is exported so that runtime can live in its own lib without seeing kafkajs.
 */
export interface GroupConsumerSettings {
  groupId: string;
  topics: string[];
  /** Where a group without a committed offset starts: the oldest record, or only new ones. */
  fromBeginning: boolean;
  /** Partitions handled at the same time; each partition is still handled strictly in order. Default 1. */
  partitionsConsumedConcurrently?: number;
}

/**
 * What one fetch returned for one partition. Nothing is committed unless `commit` is called, and records
 * not committed are fetched again.
 */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly IncomingMessage[];
  /** Keeps the group membership alive during long work; cheap, so call it freely (it sends at most once per interval). */
  heartbeat(): Promise<void>;
  /** Marks everything up to and including `offset` as done and commits `offset + 1` for the group, now. */
  commit(offset: string): Promise<void>;
  /** False once the consumer is stopping or the partition was re-positioned: leave the rest for redelivery. */
  shouldContinue(): boolean;
}

export type PartitionBatchHandler = (batch: PartitionBatch) => Promise<void>;

export interface GroupConsumer {
  /** Connects, subscribes and joins the group; resolves once fetching has started. */
  start(handler: PartitionBatchHandler): Promise<void>;
  /** Lets the in-flight handler call finish (it sees `shouldContinue() === false`), leaves the group, disconnects. */
  stop(): Promise<void>;
  /**
   * Told when the consumer crashed, e.g. because the handler kept throwing. `restarting` says whether it
   * rejoins by itself (it does for errors that may pass, such as a broker or database outage).
   */
  onCrash(listener: (error: Error, restarting: boolean) => void): void;
}

export class KafkajsGroupConsumer implements GroupConsumer {
  constructor(
    private readonly consumer: Consumer,
    private readonly settings: GroupConsumerSettings,
    private readonly onStopped: () => void,
  ) {}

  async start(handler: PartitionBatchHandler): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.settings.topics, fromBeginning: this.settings.fromBeginning });
    await this.consumer.run({
      // Offsets are committed by the handler only after its database transaction committed.
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => handler(toPartitionBatch(payload)),
    });
  }

  async stop(): Promise<void> {
    try {
      await this.consumer.disconnect();
    } finally {
      this.onStopped();
    }
  }

  onCrash(listener: (error: Error, restarting: boolean) => void): void {
    this.consumer.on(this.consumer.events.CRASH, (event) => listener(event.payload.error, event.payload.restart));
  }
}

function toPartitionBatch(payload: EachBatchPayload): PartitionBatch {
  const { topic, partition } = payload.batch;
  return {
    topic,
    partition,
    messages: payload.batch.messages.map((m) => toIncomingMessage(topic, partition, m)),
    heartbeat: () => payload.heartbeat(),
    commit: async (offset) => {
      // Resolving moves the fetch position; committing through the payload (not consumer.commitOffsets)
      // still works while the consumer is stopping, which a graceful stop needs.
      payload.resolveOffset(offset);
      const next = (BigInt(offset) + 1n).toString();
      await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
    },
    shouldContinue: () => payload.isRunning() && !payload.isStale(),
  };
}
