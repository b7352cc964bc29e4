import { RecordedEvent } from '@smi/event-store';

/*
 * Publication keeps every event verification publishes, as published, in its own event store: its read
 * models are projections of those copies and can be rebuilt from them at any time, without reading
 * verification.events again. A copy lives in the stream of its original, prefixed: `case-<caseId>` becomes
 * `verification-case-<caseId>`, `catalogue-make-<makeId>` becomes `verification-catalogue-make-<makeId>`.
 */

const PREFIX = 'verification-';

export function verificationCopyStreamId(sourceStreamId: string): string {
  return `${PREFIX}${sourceStreamId}`;
}

/** The stream a case's copied events live in. */
export function caseCopyStreamId(caseId: string): string {
  return verificationCopyStreamId(`case-${caseId}`);
}

/** A copy of verification's event: verification publishes it, publication's relay must not publish it again. */
export function isVerificationCopy(event: Pick<RecordedEvent, 'streamId'>): boolean {
  return event.streamId.startsWith(PREFIX);
}
