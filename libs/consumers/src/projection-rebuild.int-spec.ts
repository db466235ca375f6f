import { randomUUID } from 'node:crypto';
import { PoolClient } from 'pg';
import { EventStore, RecordedEvent } from '@ledger/event-store';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@ledger/event-store/postgres';
import { createTestDatabase, TestDatabase } from '../../../test/database';
import { moveCheckpoint, readCheckpoint } from './checkpoints';
import { Projection } from './consumer';
import { CONSUMER_MIGRATIONS } from './consumer-runner';
import { ProjectionRebuild } from './projection-rebuild';

/** Sums amounts per stream; refuses to go on from a total below zero (a broken row). */
const totalsProjection: Projection = {
  kind: 'projection',
  name: 'totals',
  tables: ['totals'],
  async apply(events: readonly RecordedEvent[], client: PoolClient) {
    for (const event of events) {
      const { rows } = await client.query<{ total: string }>(
        `INSERT INTO totals (stream, total) VALUES ($1, $2)
         ON CONFLICT (stream) DO UPDATE SET total = totals.total + EXCLUDED.total RETURNING total`,
        [event.streamName, (event.data as { amount: number }).amount],
      );
      if (BigInt(rows[0].total) < 0n) throw new Error(`total of ${event.streamName} is below zero`);
    }
  },
};

describe('ProjectionRebuild', () => {
  let database: TestDatabase;
  let store: EventStore;

  beforeEach(async () => {
    database = await createTestDatabase([POSTGRES_EVENT_STORE_MIGRATIONS, CONSUMER_MIGRATIONS]);
    store = new PostgresEventStore(database.pool, database.url);
    await database.pool.query('CREATE TABLE totals (stream text PRIMARY KEY, total bigint NOT NULL)');
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  const streams = ['a', 'b', 'c'];
  const append = (count: number) =>
    Promise.all(
      streams.map((stream) =>
        store.append([
          {
            streamName: stream,
            expectedRevision: 'any',
            events: Array.from({ length: count }, () => ({ id: randomUUID(), type: 'Amount', data: { amount: 1 } })),
          },
        ]),
      ),
    );

  /** What the live runner would have done: everything so far applied, checkpoint moved with it. */
  const projectLive = async () => {
    const events = await store.readAll();
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      await totalsProjection.apply(events, client);
      const { position } = await readCheckpoint(client, 'totals');
      await moveCheckpoint(client, 'totals', position, events[events.length - 1].position);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  const totals = async () =>
    (await database.pool.query<{ stream: string; total: string }>('SELECT * FROM totals ORDER BY stream')).rows;

  it('compares the copies with a live projection that lags them at one position: a healthy one has no differences', async () => {
    await append(5);
    await projectLive();
    // Events the live projection has not reached when the rebuild swaps.
    await append(3);

    const result = await new ProjectionRebuild(store, database.pool, [totalsProjection]).run();

    expect(result.differences).toEqual({ totals: 0 });
    expect(await totals()).toEqual(streams.map((stream) => ({ stream, total: '8' })));
    const [last] = (await store.readAll()).slice(-1);
    expect((await readCheckpoint(database.pool, 'totals')).position).toEqual(last.position);
  });

  it('still replaces a broken live table when the lagging live projection cannot catch up, and says it could not compare', async () => {
    await append(5);
    await projectLive();
    await database.pool.query(`UPDATE totals SET total = -100 WHERE stream = 'b'`);
    await append(3);

    const result = await new ProjectionRebuild(store, database.pool, [totalsProjection]).run();

    expect(result.differences).toBeNull();
    expect(await totals()).toEqual(streams.map((stream) => ({ stream, total: '8' })));
  });

  it('counts the rows a live table got wrong when both stand at one position', async () => {
    await append(5);
    await projectLive();
    await database.pool.query(`UPDATE totals SET total = 4 WHERE stream = 'c'`);

    const result = await new ProjectionRebuild(store, database.pool, [totalsProjection]).run();

    // The wrong row on one side, the right one on the other.
    expect(result.differences).toEqual({ totals: 2 });
    expect(await totals()).toEqual(streams.map((stream) => ({ stream, total: '5' })));
  });
});
