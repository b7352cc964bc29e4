import { Injectable } from '@nestjs/common';
import { ConsumerHost, ConsumerPlatform, HostedConsumerOptions } from '@smi/service-runtime';
import { CasesFromIntake } from './cases-from-intake';
import { INTAKE_CASE_EVENT_TYPES } from './intake-message';

/**
 * Opens and changes the cases to verify from intake.events (issue 11, point 1): a provider's items, SEC
 * Parties' reports, fix proposals. A whole batch of a partition is one inbox transaction and one handleBatch.
 */
@Injectable()
export class CasesFromIntakeConsumer extends ConsumerHost {
  constructor(
    platform: ConsumerPlatform,
    private readonly cases: CasesFromIntake,
  ) {
    super(platform);
  }

  protected consumerOptions(): HostedConsumerOptions {
    return {
      name: 'verification.cases-from-intake',
      topics: [this.topics.name('intake.events')],
      eventTypes: INTAKE_CASE_EVENT_TYPES,
      handleBatch: (messages, manager) => this.cases.apply(messages, manager),
    };
  }
}
