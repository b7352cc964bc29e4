import { DomainError } from '@smi/decider';
import { instantProblem } from '@smi/service-runtime';

/**
 * The queue's keyset cursor: the last row's (opened_at, case_id), as base64url JSON so that clients treat it
 * as opaque. opened_at is written to the microsecond, as PostgreSQL holds it, so no row is skipped or repeated
 * at a page boundary.
 */
export interface QueueKey {
  openedAt: string;
  caseId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What PostgreSQL writes for the key (`to_char` in the handler's query), and only that. */
const OPENED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeQueueCursor(key: QueueKey): string {
  return Buffer.from(JSON.stringify([key.openedAt, key.caseId]), 'utf8').toString('base64url');
}

/** The key a cursor names; a cursor this API did not write is refused (400) naming `cursor`. */
export function decodeQueueCursor(cursor: string | undefined): QueueKey | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = /^[A-Za-z0-9_-]+$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    key = undefined;
  }
  if (
    Array.isArray(key) &&
    key.length === 2 &&
    typeof key[0] === 'string' &&
    typeof key[1] === 'string' &&
    OPENED_AT.test(key[0]) &&
    instantProblem(key[0]) === undefined &&
    UUID.test(key[1])
  ) {
    return { openedAt: key[0], caseId: key[1] };
  }
  throw new DomainError('INVALID_CURSOR', 'cursor is not one this API returned; start again without it', { field: 'cursor' });
}
