import { Injectable } from '@nestjs/common';
import { PermanentMessageError } from '@smi/consumer';
import { IncomingMessage } from '@smi/kafka';
import { ConsumerHost, ConsumerPlatform, HostedConsumerOptions } from '@smi/service-runtime';
import { DataRequestsHandler, SubmissionReceived } from './data-requests.handler';

/** The event the submissions use case records for each upload (stream submission-<id>, intake.events). */
export const SUBMISSION_RECORDED = 'SubmissionRecorded';

const PARTY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Reads only the fields fulfilment needs (a tolerant reader): the full SubmissionRecorded contract
 * belongs to the submissions use case and may grow without this consumer changing. What is needed and
 * missing or malformed can never be applied, so it is a permanent failure (dead letter).
 */
export function submissionFrom(message: IncomingMessage): SubmissionReceived {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(message.value?.toString('utf8') ?? 'null') as Record<string, unknown>;
  } catch (error) {
    throw new PermanentMessageError(`SubmissionRecorded value is not JSON: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object') throw new PermanentMessageError('SubmissionRecorded value is not an object');
  const { providerPartyId, receivedAt, submissionId } = data;
  if (typeof providerPartyId !== 'string' || !PARTY_ID.test(providerPartyId)) throw new PermanentMessageError('SubmissionRecorded has no valid providerPartyId');
  if (typeof receivedAt !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(receivedAt) || Number.isNaN(Date.parse(receivedAt))) {
    throw new PermanentMessageError('SubmissionRecorded has no valid receivedAt');
  }
  const id = typeof submissionId === 'string' && submissionId.length > 0 ? submissionId : message.headers.ce_subject?.replace(/^submission-/, '');
  if (!id) throw new PermanentMessageError('SubmissionRecorded has no submissionId');
  return { submissionId: id, providerPartyId, receivedAt: new Date(receivedAt).toISOString() };
}

/**
 * A submission from a provider fulfils its open data requests. Consumes intake's OWN events topic: the
 * submission is recorded by another use case of this service, and the topic is how use cases react to
 * each other without calling each other. Fulfilment is idempotent per request (the decider ignores a
 * second submission), so a redelivery after a crash changes nothing.
 */
@Injectable()
export class SubmissionFulfilmentConsumer extends ConsumerHost {
  constructor(platform: ConsumerPlatform, private readonly dataRequests: DataRequestsHandler) {
    super(platform);
  }

  protected consumerOptions(): HostedConsumerOptions {
    return {
      name: 'intake.data-requests',
      topics: [this.topics.events],
      // A million-row file is a million item events and one SubmissionRecorded: only that one opens a transaction.
      eventTypes: [SUBMISSION_RECORDED],
      handleBatch: async (messages) => {
        for (const message of messages) {
          const submission = submissionFrom(message);
          const fulfilled = await this.dataRequests.fulfilFromSubmission(submission, {
            correlationId: message.headers.correlation_id ?? submission.submissionId,
            causationId: message.headers.ce_id ?? `${message.topic}:${message.partition}:${message.offset}`,
          });
          if (fulfilled.length > 0) this.logger.log({ msg: 'data requests fulfilled', providerPartyId: submission.providerPartyId, requestIds: fulfilled });
        }
      },
    };
  }
}
