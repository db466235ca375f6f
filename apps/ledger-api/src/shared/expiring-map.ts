/**
 * A map whose entries expire `ttlMs` after they are set and which holds at most `capacity` of
 * them, dropping the oldest first: safe to key by what callers send (keys, addresses), since an
 * attacker can only make it forget, never grow. Every entry lives equally long, so the oldest
 * entry is also the first to expire.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    readonly capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Milliseconds until `key` expires; 0 when it is not there. */
  remainingMs(key: K): number {
    const entry = this.entries.get(key);
    return entry ? Math.max(0, entry.expiresAt - this.now()) : 0;
  }

  set(key: K, value: V): void {
    // Re-setting moves the key to the back: its expiry starts again.
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
