export interface RetryPolicy {
  /** Attempts in total, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 8, initialDelayMs: 200, maxDelayMs: 10_000 };

/**
 * Wait before retry number `retry` (1 = the first retry): doubling from the initial delay up to the cap.
 * No jitter: each partition retries on its own schedule already, so there is no herd to spread out.
 */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30); // beyond 2^30 only overflow changes, not the capped result
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
}
