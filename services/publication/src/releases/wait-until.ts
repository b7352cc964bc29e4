import { setTimeout as delay } from 'node:timers/promises';

/** Polls `condition` until it holds or `timeoutMs` has passed; true when it held. */
export async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await delay(intervalMs);
  }
}
