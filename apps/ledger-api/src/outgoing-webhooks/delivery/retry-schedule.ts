/** How long a delivery keeps being retried, and how long an endpoint may fail before it is disabled. */
export const DELIVERY_WINDOW_HOURS = 72;

/** The longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/**
 * The wait before the next attempt after `failures` failed ones: exponential from `initialMs`,
 * capped at an hour, with "equal jitter" (half fixed, half random), so endpoints that failed
 * together are not all retried in the same instant.
 */
export function retryDelayMs(failures: number, initialMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(initialMs * 2 ** Math.min(Math.max(failures - 1, 0), 30), MAX_RETRY_DELAY_MS);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
