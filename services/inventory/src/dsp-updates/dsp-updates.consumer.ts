import { Injectable } from '@nestjs/common';
import { PermanentMessageError } from '@smi/consumer';
import { IncomingMessage } from '@smi/kafka';
import { ConsumerHost, ConsumerPlatform, HostedConsumerOptions } from '@smi/service-runtime';
import { EntityManager } from 'typeorm';
import { DeviceWork, DeviceWriter } from '../device-writer/device-writer';
import { INVENTORY_TOPICS } from '../topics';
import { readDspUpdateMessage } from './dsp-update-input';

/**
 * Status changes and Changes of Supplier from `inventory.device-reports`, decided in batches like Service
 * Requests. Nobody waits for an answer, so an update that cannot be read or that the rules refuse (e.g. a
 * move not in the transition table) is a permanent failure: it goes to the dead-letter topic with the reason
 * for an operator to look at, and the rest of the batch is applied without it.
 */
@Injectable()
export class DspUpdatesConsumer extends ConsumerHost {
  constructor(platform: ConsumerPlatform, private readonly writer: DeviceWriter) {
    super(platform);
  }

  protected consumerOptions(): HostedConsumerOptions {
    return {
      name: 'inventory.device-reports',
      topics: [this.topics.name(INVENTORY_TOPICS.deviceReports)],
      handleBatch: (messages, manager) => this.handleBatch(messages, manager),
    };
  }

  async handleBatch(messages: IncomingMessage[], manager: EntityManager): Promise<void> {
    const receivedAt = new Date().toISOString();
    const works: DeviceWork[] = messages.map((message) => {
      let raw: unknown;
      try {
        raw = JSON.parse(message.value?.toString('utf8') ?? '');
      } catch (error) {
        throw new PermanentMessageError(`device report is not JSON: ${(error as Error).message}`);
      }
      const read = readDspUpdateMessage(raw, receivedAt);
      if (!read.ok) throw new PermanentMessageError(`malformed device report: ${read.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`);
      return { kind: 'report', command: read.command, channel: 'kafka', correlationId: read.command.requestId };
    });
    const results = await this.writer.write(manager, works);
    const refused = results.find((r) => r.kind === 'refused');
    if (refused?.kind === 'refused') throw new PermanentMessageError(`device report refused (${refused.error.code}): ${refused.error.message}`);
  }
}
