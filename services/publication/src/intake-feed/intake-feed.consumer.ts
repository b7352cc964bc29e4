import { Injectable } from '@nestjs/common';
import { eventCopyConsumer } from '../event-copies';
import { INTAKE_COPIED_EVENT_TYPES, intakeCopyStreamId } from './intake-streams';

/**
 * Copies the intake events releases need (parties, submissions received, data requests) into publication's own
 * event store, as verification-feed/ does, so the read models drawn from them (data-supply/) can be rebuilt from
 * publication's database alone. How a copy is made and kept once, and which messages are dead-lettered (to
 * `intake.events.dlq`): event-copies/.
 */
@Injectable()
export class IntakeFeedConsumer extends eventCopyConsumer({
  name: 'publication.intake-feed',
  publisher: 'intake',
  topic: 'intake.events',
  eventTypes: INTAKE_COPIED_EVENT_TYPES,
  copyStreamId: intakeCopyStreamId,
}) {}
