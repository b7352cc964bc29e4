import { Actor } from '../case-aggregate';
import { IncomingMessage, KafkaClient, MessageProducer, OutgoingMessage } from '@smi/kafka';
import { KAFKA_CLIENT, ResolvedTopics, TOPICS } from '@smi/service-runtime';
import { randomUUID } from 'node:crypto';
import { VerificationTestApp } from './verification-test-app';

export interface IntakeEventOptions {
  /** The intake stream the event is on: the Kafka key, as intake's relay sends it. */
  streamId: string;
  /** Default: a new one. The same id again is a redelivery. */
  eventId?: string;
  correlationId?: string;
  /** The `actor` header; `null` sends none. */
  actor?: Actor | null;
}

/** An intake event as intake's outbox relay puts it on `intake.events`: CloudEvents binary mode, the data as the value. */
export function intakeMessage(type: string, data: unknown, options: IntakeEventOptions): OutgoingMessage & { eventId: string } {
  const eventId = options.eventId ?? randomUUID();
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: eventId,
    ce_type: type,
    ce_source: 'intake',
    ce_subject: options.streamId,
    ce_time: new Date().toISOString(),
    'content-type': 'application/json',
    correlation_id: options.correlationId ?? `intake-${eventId}`,
    stream_version: '1',
    schema_version: '1',
  };
  if (options.actor) headers.actor = JSON.stringify(options.actor);
  return { eventId, key: options.streamId, value: JSON.stringify(data), headers };
}

/** The same message as a consumer receives it, for a test that hands it to a handler directly. */
export function asIncoming(message: OutgoingMessage, topic = 'intake.events'): IncomingMessage {
  return {
    topic,
    partition: 0,
    offset: '0',
    key: message.key,
    value: Buffer.isBuffer(message.value) ? message.value : Buffer.from(message.value),
    headers: message.headers,
    timestamp: String(Date.now()),
  };
}

/** Produces intake events to the test app's own `intake.events` topic, as intake would. */
export class IntakeTopic {
  private constructor(
    private readonly producer: MessageProducer,
    readonly topic: string,
  ) {}

  static async open(verification: VerificationTestApp): Promise<IntakeTopic> {
    const kafka = verification.app.get<KafkaClient>(KAFKA_CLIENT, { strict: false });
    const topics = verification.app.get<ResolvedTopics>(TOPICS, { strict: false });
    return new IntakeTopic(await kafka.producer(), topics.name('intake.events'));
  }

  /** Sends the events in one request, in order; returns their event ids. */
  async send(...events: Array<{ type: string; data: unknown } & IntakeEventOptions>): Promise<string[]> {
    const messages = events.map(({ type, data, ...options }) => intakeMessage(type, data, options));
    await this.producer.send(
      this.topic,
      messages.map(({ eventId: _eventId, ...message }) => message),
    );
    return messages.map((m) => m.eventId);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
