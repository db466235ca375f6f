import { Pool } from 'pg';
import { Projection } from '@ledger/consumers';
import { EventStore, matchesFilter, Position } from '@ledger/event-store';

/** Applies the projections to every event of `store`, in batches, into the read models of `pool`. */
export async function projectFromScratch(store: EventStore, projections: readonly Projection[], pool: Pool) {
  let after: Position | undefined;
  for (;;) {
    const events = await store.readAll({ after, maxCount: 1_000 });
    if (events.length === 0) return;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const projection of projections) {
        const relevant = events.filter((event) => matchesFilter(event, projection.filter));
        if (relevant.length > 0) await projection.apply(relevant, client);
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    after = events[events.length - 1].position;
  }
}

/** A table's rows, in a stable order, without identity columns (surrogate keys numbered by the database). */
export async function tableRows(pool: Pool, table: string): Promise<unknown[]> {
  const { rows: columns } = await pool.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attidentity = '' ORDER BY attnum`,
    [table],
  );
  const list = columns.map((column) => `"${column.name}"`).join(', ');
  const { rows } = await pool.query(`SELECT ${list} FROM "${table}" ORDER BY ${list}`);
  return rows;
}
