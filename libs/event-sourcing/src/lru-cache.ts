/**
 * A map that holds at most `capacity` entries, forgetting the least recently used first: memory
 * bounded by configuration, not by traffic. Reading or writing an entry makes it the most recent.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('An LRU cache holds at least one entry');
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Map keeps insertion order: moving the key to the back marks it most recently used.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Reads without making the entry more recent (compare-and-set checks). */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, value);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
