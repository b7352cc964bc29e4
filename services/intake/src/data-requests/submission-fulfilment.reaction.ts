import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { RecordedEvent } from '@smi/event-store';
import { UnreadableEventError } from '@smi/projections';
import { PlatformLifecycle } from '@smi/service-runtime';
import { DataRequestsHandler, SubmissionReceived } from './data-requests.handler';

/** The event the submissions use case records for each upload (stream submission-<id>, intake's event store). */
export const SUBMISSION_RECORDED = 'SubmissionRecorded';

/** The reaction's name: its checkpoint, and the view `submission_fulfilment` of SubmissionRecorded events it could not read. */
export const SUBMISSION_FULFILMENT = 'submission_fulfilment';

const PARTY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Reads only the fields fulfilment needs (a tolerant reader): the full SubmissionRecorded contract
 * belongs to the submissions use case and may grow without this reaction changing. What is needed and
 * missing or malformed can never be applied, so it is unreadable: recorded, and the reaction goes on.
 */
export function submissionFrom(event: RecordedEvent): SubmissionReceived {
  const data = event.data as Record<string, unknown> | null;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UnreadableEventError('SubmissionRecorded data is not an object');
  const { providerPartyId, receivedAt, submissionId } = data;
  if (typeof providerPartyId !== 'string' || !PARTY_ID.test(providerPartyId)) throw new UnreadableEventError('SubmissionRecorded has no valid providerPartyId');
  if (typeof receivedAt !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(receivedAt) || Number.isNaN(Date.parse(receivedAt))) {
    throw new UnreadableEventError('SubmissionRecorded has no valid receivedAt');
  }
  const id = typeof submissionId === 'string' && submissionId.length > 0 ? submissionId : event.streamId.replace(/^submission-/, '');
  if (!id) throw new UnreadableEventError('SubmissionRecorded has no submissionId');
  return { submissionId: id, providerPartyId, receivedAt: new Date(receivedAt).toISOString() };
}

/**
 * A submission from a provider fulfils its open data requests. The submission is recorded by another use
 * case of this service; this reaction reads it from intake's own event store, by type in SQL, on the
 * projection runner (see @smi/projections `Reaction`): reading intake's Kafka topic back instead meant
 * decoding every item event of a file to find its one SubmissionRecorded. Fulfilment runs in the batch's
 * transaction, so it commits with the reaction's checkpoint; it is also idempotent per request (the decider
 * ignores a second submission), so a rebuild that reads every submission again changes nothing.
 */
@Injectable()
export class SubmissionFulfilmentReaction implements OnModuleInit {
  private readonly logger = new Logger(SubmissionFulfilmentReaction.name);

  constructor(
    private readonly platform: PlatformLifecycle,
    private readonly dataRequests: DataRequestsHandler,
  ) {}

  onModuleInit(): void {
    this.platform.addReaction({
      name: SUBMISSION_FULFILMENT,
      eventTypes: [SUBMISSION_RECORDED],
      react: async (manager, event) => {
        let submission: SubmissionReceived;
        try {
          submission = submissionFrom(event);
        } catch (error) {
          this.logger.error({ msg: 'SubmissionRecorded unreadable: recorded in submission_fulfilment, no data request fulfilled by it', eventId: event.eventId, streamId: event.streamId, error: (error as Error).message });
          throw error;
        }
        const fulfilled = await this.dataRequests.fulfilFromSubmission(
          submission,
          { correlationId: event.metadata.correlationId ?? submission.submissionId, causationId: event.eventId },
          manager,
        );
        if (fulfilled.length > 0) this.logger.log({ msg: 'data requests fulfilled', providerPartyId: submission.providerPartyId, requestIds: fulfilled });
      },
    });
  }
}
