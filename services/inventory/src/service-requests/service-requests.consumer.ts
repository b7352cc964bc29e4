import { Inject, Injectable } from '@nestjs/common';
import { PermanentMessageError } from '@smi/consumer';
import { IncomingMessage, MessageProducer, OutgoingMessage } from '@smi/kafka';
import { ConsumerHost, ConsumerPlatform, HostedConsumerOptions, MESSAGE_PRODUCER, SERVICE_SETTINGS } from '@smi/service-runtime';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { normaliseRequestId, responseBody } from '../device-aggregate';
import { DeviceWork, DeviceWriter } from '../device-writer/device-writer';
import { InventorySettings } from '../settings';
import { INVENTORY_TOPICS, responseHeaders, serviceResponseMessage } from '../topics';
import { malformedResponseBody, ReadMessage, readServiceRequestMessage } from './service-request-input';
import { countServiceRequestAnswer, MALFORMED } from './service-request-metrics';

/**
 * SR12.2 and SR8.4 from `inventory.service-requests`, as relayed by a DSP gateway that authenticated the
 * sender. A batch (up to 500 messages, one transaction with the inbox) is decided together by DeviceWriter.
 *
 * Answers reach `inventory.service-responses` in three ways:
 * - a new answer is recorded (ServiceRequestAnswered, channel kafka) and the outbox relay publishes it;
 * - a repeated RequestID re-publishes the stored answer, directly, before the batch commits;
 * - a command that cannot be read gets a MALFORMED answer with field errors, directly, and nothing is recorded.
 * Direct sends happen inside the transaction: if the send fails the batch is retried, so an answer is never
 * lost (a retry can repeat one). A value that is not JSON at all goes to the dead-letter topic.
 */
@Injectable()
export class ServiceRequestsConsumer extends ConsumerHost {
  constructor(
    platform: ConsumerPlatform,
    @Inject(MESSAGE_PRODUCER) private readonly producer: MessageProducer,
    private readonly writer: DeviceWriter,
    @Inject(SERVICE_SETTINGS) private readonly settings: Pick<InventorySettings, 'INVENTORY_SR_CONCURRENT_PARTITIONS'>,
  ) {
    super(platform);
  }

  protected consumerOptions(): HostedConsumerOptions {
    return {
      name: 'inventory.service-requests',
      topics: [this.topics.name(INVENTORY_TOPICS.serviceRequests)],
      handleBatch: (messages, manager) => this.handleBatch(messages, manager),
      // Keyed by Device ID, so partitions share no device: deciding them side by side overlaps their commits.
      partitionsConsumedConcurrently: this.settings.INVENTORY_SR_CONCURRENT_PARTITIONS,
    };
  }

  async handleBatch(messages: IncomingMessage[], manager: EntityManager): Promise<void> {
    const receivedAt = new Date().toISOString();
    const direct: OutgoingMessage[] = [];
    const works: DeviceWork[] = [];
    // Counted once the batch's answers are sent: a batch that fails before is retried and counted then.
    const answers: Array<[serviceReference: string | null, responseCode: string]> = [];
    for (const message of messages) {
      const read = readServiceRequestMessage(parseJson(message), receivedAt);
      if (!read.ok) {
        direct.push(malformedResponse(read));
        answers.push([read.serviceReference, MALFORMED]);
        continue;
      }
      works.push({ kind: 'service-request', command: read.command, channel: 'kafka', correlationId: normaliseRequestId(read.command.requestId) });
    }
    const results = await this.writer.write(manager, works);
    results.forEach((result, i) => {
      if (result.kind === 'answered') answers.push([result.answer.serviceReference, result.answer.responseCode]);
      if (result.kind === 'answered' && result.repeated) direct.push(serviceResponseMessage(responseBody(result.answer), randomUUID()));
      if (result.kind === 'refused') {
        const { command } = works[i];
        const field = typeof result.error.details.field === 'string' ? result.error.details.field : '';
        answers.push([command.type === 'PreNotifyDevice' ? '12.2' : '8.4', MALFORMED]);
        direct.push(
          malformedResponse({
            ok: false,
            errors: [{ field, reason: result.error.message }],
            requestId: command.requestId,
            serviceReference: command.type === 'PreNotifyDevice' ? '12.2' : '8.4',
            deviceId: command.deviceId,
          }),
        );
      }
    });
    await this.producer.send(this.topics.name(INVENTORY_TOPICS.serviceResponses), direct);
    for (const [serviceReference, responseCode] of answers) countServiceRequestAnswer(serviceReference, responseCode, 'kafka');
  }
}

function parseJson(message: IncomingMessage): unknown {
  const text = message.value?.toString('utf8') ?? '';
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PermanentMessageError(`service request is not JSON: ${(error as Error).message}`);
  }
}

function malformedResponse(read: Extract<ReadMessage, { ok: false }>): OutgoingMessage {
  return { key: read.requestId, value: JSON.stringify(malformedResponseBody(read)), headers: responseHeaders(read.requestId, randomUUID()) };
}
