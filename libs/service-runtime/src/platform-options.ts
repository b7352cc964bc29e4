import { CommonSettings } from '@smi/config';
import { RecordedEvent, UpcasterRegistry } from '@smi/event-store';
import { OutgoingMessage } from '@smi/kafka';
import { Projection } from '@smi/projections';

/** Kafka topics a service uses, by their base names (the prefix is applied here). */
export interface ServiceTopics {
  /** Where the relay publishes this service's events: `<service>.events`. */
  events: string;
  /** Topics this service consumes or produces besides its own events; created up front. */
  others?: string[];
}

export interface ServicePlatformOptions {
  serviceName: string;
  settings: CommonSettings;
  /** Full URL of the service's own database. */
  databaseUrl: string;
  /** The service's own migrations; the platform adds those of the shared mechanisms. */
  migrations: Array<new () => unknown>;
  topics: ServiceTopics;
  upcasters?: UpcasterRegistry;
  /** Messages besides the event itself that the relay publishes for an event (see OutboxRelayOptions). */
  extraMessages?: (event: RecordedEvent, topics: ResolvedTopics) => Array<{ topic: string; message: OutgoingMessage }>;
  /**
   * Which of the store's events the relay publishes on `<service>.events` (default all). A service that keeps
   * copies of another service's events in its store (publication, of verification's) publishes only its own.
   */
  publishedEvents?: (event: RecordedEvent) => boolean;
  /** Read models kept from this service's own events, checkpointed and rebuildable (see @smi/projections). */
  projections?: Projection[];
  /** Partitions for topics this service creates (default 6). */
  partitions?: number;
}

/** Resolved topic names (prefix applied), injectable with @Inject(TOPICS). */
export interface ResolvedTopics {
  events: string;
  name(base: string): string;
}

