import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The headers of every delivery, lower-case as Node's http server gives them to a receiver. */
export const WEBHOOK_HEADERS = {
  signature: 'x-smi-signature',
  timestamp: 'x-smi-timestamp',
  delivery: 'x-smi-delivery',
  event: 'x-smi-event',
} as const;

/** A subscription's secret: 32 random bytes, shown to the subscriber once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Names a secret in events and logs without giving it away: the first 16 hex digits of its SHA-256. */
export function secretFingerprint(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 16);
}

/**
 * `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`: the timestamp is signed with the body so a captured
 * delivery cannot be replayed later with a fresh timestamp.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export interface SignatureCheck {
  secret: string;
  /** X-SMI-Timestamp: Unix seconds. */
  timestamp: string | undefined;
  /** X-SMI-Signature. */
  signature: string | undefined;
  /** The raw body, exactly as received. */
  body: string;
  /** How old a delivery may be; default five minutes. */
  toleranceSeconds?: number;
  now?: Date;
}

/** What a receiver does: recompute, compare in constant time, refuse a stale timestamp. */
export function verifyWebhookSignature(check: SignatureCheck): boolean {
  const { secret, timestamp, signature, body, toleranceSeconds = 300, now = new Date() } = check;
  if (timestamp === undefined || signature === undefined || !/^[0-9]{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
