import { setTimeout as delay } from 'node:timers/promises';

/** Retries `check` until it returns something truthy; a throw counts as "not yet". */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check().catch(() => undefined);
    if (result) return result;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(100);
  }
}
