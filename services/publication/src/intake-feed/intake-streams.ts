import { RecordedEvent } from '@smi/event-store';

/*
 * The intake events publication keeps, as intake published them, in its own event store: the party registry (for
 * providers' names), the submissions received and the data requests, which a release's cover sheet is drawn
 * from (releases/). Their read models are projections of these copies (data-supply/), rebuildable from
 * publication's database alone. A copy lives in the stream of its original, prefixed: `data-request-DR-000001`
 * becomes `intake-data-request-DR-000001`.
 */

const PREFIX = 'intake-';

/** Only what releases need: intake.events is mostly submitted items, which verification turns into cases. */
export const INTAKE_COPIED_EVENT_TYPES = [
  'PartyRegistered',
  'PartyDetailsChanged',
  'SubmissionRecorded',
  'DataRequestIssued',
  'DataRequestFulfilled',
  'DataRequestOverdue',
] as const;

export function intakeCopyStreamId(sourceStreamId: string): string {
  return `${PREFIX}${sourceStreamId}`;
}

/** A copy of intake's event: intake publishes it, publication's relay must not publish it again. */
export function isIntakeCopy(event: Pick<RecordedEvent, 'streamId'>): boolean {
  return event.streamId.startsWith(PREFIX);
}
