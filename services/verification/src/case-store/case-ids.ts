import { createHash } from 'node:crypto';

/** What a case is opened for: intake's own identity of the thing to verify. */
export type CaseOrigin =
  | { kind: 'item'; providerPartyId: string; identifier: string }
  | { kind: 'report'; reportId: string }
  | { kind: 'fix'; fixId: string };

/**
 * A case's id, derived from what it verifies (an RFC 9562 name-based UUID, version 8 with SHA-256): the same
 * intake item, report or fix always names the same case. So a fix proposal finds the case of the item it
 * fixes without a lookup, a redelivered intake event can only ever reach the case it opened, and two instances
 * opening one case at once collide on its stream instead of opening two.
 */
export function caseIdFor(origin: CaseOrigin): string {
  const name =
    origin.kind === 'item' ? `item\u0000${origin.providerPartyId}\u0000${origin.identifier}` : origin.kind === 'report' ? `report\u0000${origin.reportId}` : `fix\u0000${origin.fixId}`;
  const bytes = createHash('sha256').update(`smi-verification-case\u0000${name}`, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const caseStreamId = (caseId: string): string => `case-${caseId}`;
const CASE_STREAM_PREFIX = 'case-';

export function caseIdOfStream(streamId: string): string {
  if (!streamId.startsWith(CASE_STREAM_PREFIX)) throw new Error(`${streamId} is not a case stream`);
  return streamId.slice(CASE_STREAM_PREFIX.length);
}
