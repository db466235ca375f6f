/**
 * Runs tasks one at a time per key, in arrival order. Commands on one hot account then wait for
 * each other in this process instead of failing on each other's expected revisions.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task queued or running: each is dropped when its last task is done. */
  get size(): number {
    return this.tails.size;
  }

  /** Runs under every key at once, taking them in a fixed order so that two callers cannot wait on each other. */
  runAll<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const nest = (index: number): Promise<T> =>
      index === sorted.length ? task() : this.run(sorted[index], () => nest(index + 1));
    return nest(0);
  }
}
