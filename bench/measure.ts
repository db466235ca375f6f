export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))];
}

export interface Measured {
  /** Operations that succeeded, per second of the whole run. */
  perSecond: number;
  p50: number;
  p99: number;
  /** Operations that failed (after their retries): counted, never fatal to the run. */
  errors: number;
  /** What the last failure said, to show beside the figures. */
  lastError: string | undefined;
}

export interface MeasureOptions {
  /** Failures the contender's own semantics say to try again (a concurrency clash, say). */
  retryable?: (error: unknown) => boolean;
  maxRetries?: number;
}

/**
 * Runs `total` operations over `concurrency` workers; returns successes/s, their p50/p99 latency in
 * ms, and the failures. A failing operation is retried when `retryable` says so, then counted: one
 * contender's errors never stop a benchmark.
 */
export async function measure(
  total: number,
  concurrency: number,
  operation: (index: number) => Promise<unknown>,
  { retryable = () => false, maxRetries = 3 }: MeasureOptions = {},
): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  let lastError: string | undefined;
  let next = 0;
  const attempt = async (index: number, retriesLeft: number): Promise<void> => {
    try {
      await operation(index);
    } catch (error) {
      if (retriesLeft > 0 && retryable(error)) return attempt(index, retriesLeft - 1);
      throw error;
    }
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const begin = performance.now();
        try {
          await attempt(index, maxRetries);
          latencies.push(performance.now() - begin);
        } catch (error) {
          errors += 1;
          lastError = error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    lastError,
  };
}
