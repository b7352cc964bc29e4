import { backoffDelayMs } from './backoff';
import { newWebhookSecret, signWebhook, verifyWebhookSignature } from './signing';

describe('webhook signatures', () => {
  // Computed independently: printf '1700000000.{"id":"evt-1","type":"release.cut"}' | openssl dgst -sha256 -hmac 'whsec_test-vector'
  const VECTOR = { secret: 'whsec_test-vector', timestamp: '1700000000', body: '{"id":"evt-1","type":"release.cut"}' };
  const SIGNATURE = 'sha256=313b0ec1e1dc4d60fbe426852b06c14ce778bb39ee86a2f0fc3ba6eafa096eb4';
  const AT = new Date(1_700_000_000_000 + 60_000);

  it('signs <timestamp>.<body> with HMAC-SHA256 (known vector)', () => {
    expect(signWebhook(VECTOR.secret, VECTOR.timestamp, VECTOR.body)).toBe(SIGNATURE);
  });

  it('verifies a genuine delivery within the tolerance', () => {
    expect(verifyWebhookSignature({ ...VECTOR, signature: SIGNATURE, now: AT })).toBe(true);
  });

  it('refuses a changed body, another secret, a moved timestamp, a stale delivery and missing headers', () => {
    expect(verifyWebhookSignature({ ...VECTOR, body: `${VECTOR.body} `, signature: SIGNATURE, now: AT })).toBe(false);
    expect(verifyWebhookSignature({ ...VECTOR, secret: 'whsec_other', signature: SIGNATURE, now: AT })).toBe(false);
    expect(verifyWebhookSignature({ ...VECTOR, timestamp: '1700000001', signature: SIGNATURE, now: AT })).toBe(false);
    expect(verifyWebhookSignature({ ...VECTOR, signature: SIGNATURE, now: new Date(1_700_000_000_000 + 301_000) })).toBe(false);
    expect(verifyWebhookSignature({ ...VECTOR, signature: undefined, now: AT })).toBe(false);
    expect(verifyWebhookSignature({ ...VECTOR, timestamp: undefined, signature: SIGNATURE, now: AT })).toBe(false);
    expect(verifyWebhookSignature({ ...VECTOR, signature: SIGNATURE.slice(0, -1), now: AT })).toBe(false);
  });

  it('makes a different 256-bit secret each time', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});

describe('retry backoff', () => {
  const settings = { baseMs: 1_000, maxMs: 60_000 };

  it('doubles with each failure between half and all of the ceiling, and stops at the maximum', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, settings, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, settings, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffDelayMs(50, settings, () => 1)).toBe(60_000);
    expect(backoffDelayMs(50, settings, () => 0)).toBe(30_000);
  });
});
