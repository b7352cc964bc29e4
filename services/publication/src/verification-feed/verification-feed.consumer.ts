import { Injectable } from '@nestjs/common';
import { EVENT_SCHEMAS } from '@smi/contracts';
import { eventCopyConsumer } from '../event-copies';
import { verificationCopyStreamId } from './verification-streams';

/** Every event verification has a contract for: the case events and the catalogue's. */
export const VERIFICATION_EVENT_TYPES: readonly string[] = Object.keys(EVENT_SCHEMAS.verification);

/**
 * Copies every event of `verification.events` into publication's own event store. The read models are
 * asynchronous projections of these copies (defect-catalogue/), so they can be rebuilt from publication's
 * database alone. How a copy is made and kept once: event-copies/.
 */
@Injectable()
export class VerificationFeedConsumer extends eventCopyConsumer({
  name: 'publication.verification-feed',
  publisher: 'verification',
  topic: 'verification.events',
  eventTypes: VERIFICATION_EVENT_TYPES,
  copyStreamId: verificationCopyStreamId,
}) {}
