import { eventSchemaErrors } from '@smi/contracts';
import { Actor } from '@smi/event-store';
import { KafkaClient, MessageProducer, topicName } from '@smi/kafka';
import { cloudEventHeaders } from '@smi/outbox-relay';
import { testKafkaBrokers, uniqueName } from '@smi/testing';
import { randomUUID } from 'node:crypto';

/*
 * Another service's events as its outbox relay puts them on `<prefix>.<service>.events`: the headers written by the
 * relay's own cloudEventHeaders, the data as JSON keyed by stream, each event checked against the publisher's
 * contract before it is sent, so what publication consumes in these tests is what the real service would send. The
 * files beside this one (verification-events.ts, inventory-events.ts, intake-events.ts) hold only what is each
 * publisher's own: who its events say acted and why, and its event builders.
 */

export interface PublishedEvent {
  type: string;
  data: object;
}

export interface SentMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** The correlation id and actor a publisher records on an event (`position`: its place in the publisher's store). */
export type AuditOf = (event: PublishedEvent, position: number) => { correlationId: string; actor: Actor };

export class PublisherTopic {
  private readonly client: KafkaClient;
  private producer?: MessageProducer;
  private readonly versions = new Map<string, number>();
  private position = 0;
  /** Every message sent, for tests that send one again. */
  readonly sent: SentMessage[] = [];

  constructor(
    private readonly topicPrefix: string,
    /** The publishing service, as its contracts and its topic are named. */
    private readonly service: string,
    private readonly auditOf: AuditOf,
  ) {
    this.client = new KafkaClient({ brokers: testKafkaBrokers(), clientId: uniqueName(`${service}-fake`) });
  }

  get topic(): string {
    return topicName(this.topicPrefix, `${this.service}.events`);
  }

  /** Appends the events to the publisher's stream `streamId`, in order; returns their event ids. */
  async send(streamId: string, events: PublishedEvent[]): Promise<string[]> {
    const messages = events.map((event) => {
      const errors = eventSchemaErrors(this.service, event.type, 1, event.data);
      if (errors.length > 0) throw new Error(`test event ${event.type} breaks ${this.service}'s contract: ${errors.join('; ')}`);
      const streamVersion = (this.versions.get(streamId) ?? 0) + 1;
      this.versions.set(streamId, streamVersion);
      this.position += 1;
      const recorded = {
        position: String(this.position),
        transactionId: String(this.position),
        streamId,
        streamVersion,
        eventId: randomUUID(),
        type: event.type,
        schemaVersion: 1,
        data: event.data,
        metadata: { ...this.auditOf(event, this.position), sourceService: this.service },
        recordedAt: new Date(),
      };
      return { key: streamId, value: JSON.stringify(event.data), headers: cloudEventHeaders(recorded, `urn:smi:service:${this.service}`) };
    });
    this.sent.push(...messages);
    await this.resend(messages);
    return messages.map((m) => m.headers.ce_id);
  }

  /** Messages as given: a batch again, as a relay repeating it would send it, or one changed as the publisher never would. */
  async resend(messages: SentMessage[]): Promise<void> {
    this.producer ??= await this.client.producer();
    await this.producer.send(this.topic, messages);
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    await this.client.disconnect();
  }
}
