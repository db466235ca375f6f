export interface GroupCommitOptions<Item> {
  /** Items sharing one of these keys never travel in two batches in flight at once. */
  orderingKeysOf?: (item: Item) => readonly string[];
  /**
   * Even an idle queue waits for the current tick's other items before sending: items made
   * together (one request's three stream reads) leave together.
   */
  gatherWithinTick?: boolean;
}

interface Waiting<Item, Result> {
  item: Item;
  /** Its ordering keys, found once (a busy queue passes over the same items many times). */
  keys: readonly string[];
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Group commit: while `maxInFlight` batches are being written, further items wait and leave
 * together in the next batch. An idle queue sends an item at once, so batching adds no latency
 * under light load and saves a round trip and a commit per item under heavy load.
 *
 * Items that share an ordering key never travel in two batches in flight at once: they leave in
 * submission order, in one batch or in batches one after the other. (Two batches in flight run on
 * two connections, and the later could reach the database first.)
 */
export class GroupCommitQueue<Item, Result> {
  private readonly waiting: Waiting<Item, Result>[] = [];
  private readonly inFlight = new Set<ReadonlySet<string>>();
  private drainScheduled = false;

  constructor(
    /** Writes a batch; answers one result per item, in order. */
    private readonly send: (items: Item[]) => Promise<Result[]>,
    private readonly maxInFlight: number,
    private readonly maxBatch: number,
    private readonly options: GroupCommitOptions<Item> = {},
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, keys: this.options.orderingKeysOf?.(item) ?? [], resolve, reject });
      if (!this.options.gatherWithinTick) return this.drain();
      if (this.drainScheduled) return;
      this.drainScheduled = true;
      queueMicrotask(() => {
        this.drainScheduled = false;
        this.drain();
      });
    });
  }

  private drain(): void {
    while (this.inFlight.size < this.maxInFlight) {
      const batch = this.nextBatch();
      if (batch.length === 0) return;
      const keys = new Set(batch.flatMap((entry) => entry.keys));
      this.inFlight.add(keys);
      this.send(batch.map((entry) => entry.item))
        .then(
          (results) => batch.forEach((entry, index) => entry.resolve(results[index])),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          this.inFlight.delete(keys);
          this.drain();
        });
    }
  }

  /** The first waiting items, up to `maxBatch`, passing over any whose keys a batch in flight or a passed-over item holds. */
  private nextBatch(): Waiting<Item, Result>[] {
    const held = new Set([...this.inFlight].flatMap((keys) => [...keys]));
    const batch: Waiting<Item, Result>[] = [];
    for (let index = 0; index < this.waiting.length && batch.length < this.maxBatch;) {
      const { keys } = this.waiting[index];
      if (keys.some((key) => held.has(key))) {
        keys.forEach((key) => held.add(key));
        index++;
      } else {
        batch.push(...this.waiting.splice(index, 1));
      }
    }
    return batch;
  }
}
