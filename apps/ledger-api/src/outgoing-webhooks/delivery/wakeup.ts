/**
 * Wakes a loop that sleeps between rounds of work. A wake-up that comes while the loop is busy is
 * kept, so the loop looks again at once instead of missing it.
 */
export class Wakeup {
  private woken = false;
  private resolveSleep: (() => void) | undefined;

  wake(): void {
    this.woken = true;
    this.resolveSleep?.();
  }

  /** Resolves on a wake-up (or one since the last sleep), after `timeoutMs`, or on abort. */
  async sleep(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (!this.woken && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.resolveSleep = undefined;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener('abort', done, { once: true });
        this.resolveSleep = done;
      });
    }
    this.woken = false;
  }
}
