export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait before the next attempt after `failedAttempts` failures: doubling from `baseMs`, capped at `maxMs`, then
 * "equal jitter" (half fixed, half random) so receivers that fail together are not retried in lock-step, while the
 * wait still grows with every failure.
 */
export function backoffDelayMs(failedAttempts: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
