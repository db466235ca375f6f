import { Pool } from 'pg';
import { prepared } from '@ledger/database';
import { Position, RecordedEvent } from '@ledger/event-store';
import { moveCheckpoints, Queryable } from './checkpoints';
import { Projection } from './consumer';

interface Submitted {
  projection: Projection;
  /** The projection's checkpoint before the batch (compare-and-set). */
  from: Position | undefined;
  events: readonly RecordedEvent[];
  done: { resolve(): void; reject(error: unknown): void };
}

/**
 * Batches at least this long share a transaction; shorter ones commit at once, each in its own,
 * side by side. Sharing saves statements under load (when pages are long), but makes every
 * projection of a page wait for all the others' writes: on a quiet ledger that would triple how
 * long a read after a write waits for its read model (measured: flushes of 1–3 events took
 * 12–37 ms together, 3–5 ms apart).
 */
const SHARED_FROM_EVENTS = 10;

/**
 * Writes projection batches with their checkpoints. The long batches handed over in the same tick
 * (the projections woken by one page of `$all` under load) are applied in one transaction that
 * moves all their checkpoints: one BEGIN, one lock, one checkpoint statement and one COMMIT for all
 * of them. Should that transaction fail, each batch is applied again in a transaction of its own,
 * so one projection failing (or deposed by another instance) holds up no other.
 */
export class ProjectionCommits {
  private waiting: Submitted[] = [];

  constructor(private readonly pool: Pool) {}

  /** Applies `events` to `projection` and moves its checkpoint from `from` to the last of them. */
  commit(projection: Projection, from: Position | undefined, events: readonly RecordedEvent[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const batch = { projection, from, events, done: { resolve, reject } };
      if (events.length < SHARED_FROM_EVENTS) return void this.apply([batch]);
      if (this.waiting.length === 0) setImmediate(() => void this.flush());
      this.waiting.push(batch);
    });
  }

  private flush(): Promise<void> {
    const batches = this.waiting;
    this.waiting = [];
    return this.apply(batches);
  }

  private async apply(batches: readonly Submitted[]): Promise<void> {
    try {
      await this.inTransaction(batches);
      for (const batch of batches) batch.done.resolve();
    } catch (error) {
      if (batches.length === 1) return batches[0].done.reject(error);
      await Promise.all(
        batches.map((batch) => this.inTransaction([batch]).then(batch.done.resolve, batch.done.reject)),
      );
    }
  }

  private async inTransaction(batches: readonly Submitted[]): Promise<void> {
    const client = await this.pool.connect();
    // A connection dropped between two queries surfaces as an event; the next query fails anyway.
    const ignore = () => undefined;
    client.on('error', ignore);
    try {
      await client.query('BEGIN');
      await lockProjectionWrites(
        client,
        batches.map((batch) => batch.projection.name),
        'shared',
      );
      for (const { projection, events } of batches) await projection.apply(events, client);
      await moveCheckpoints(
        client,
        batches.map((batch) => ({ name: batch.projection.name, from: batch.from, to: batch.events.at(-1)!.position })),
      );
      await client.query('COMMIT');
      client.off('error', ignore);
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.off('error', ignore);
      client.release(true);
      throw error;
    }
  }
}

/**
 * Every batch a projection applies holds its write lock shared for the transaction; a rebuild
 * takes it exclusively to hold the live projection still while it swaps the tables. One
 * statement takes them all, in name order, so that no two transactions wait for each other.
 */
export async function lockProjectionWrites(
  client: Queryable,
  names: readonly string[],
  mode: 'shared' | 'exclusive',
): Promise<void> {
  const lock = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  await client.query(
    prepared(
      `SELECT count(${lock}(hashtextextended('ledger-projection-writes:' || name, 0))) FROM unnest($1::text[]) AS name`,
      [[...names].sort()],
    ),
  );
}
