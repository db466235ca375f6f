import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '../../../../test/database';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from '../postgres/postgres-event-store';
import { chainEvents } from './kurrentdb-hash-chain';

/** Data whose jsonb text differs from JSON.stringify's: key order, spacing, numbers, escapes, non-ASCII. */
const awkward = [
  { zeta: 1, a: { yy: [1.5e-7, 1e21, -0.25], x: null }, 'é-key': 'quote " backslash \\ newline \n ctrl \u0007' },
  { amount: '1000', currency: 'EUR', nested: { b: true, a: false, '': 'empty key' }, emoji: '😀 ünïcødé' },
];

describe('KurrentDB hash chains agree with PostgreSQL', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase([POSTGRES_EVENT_STORE_MIGRATIONS]);
    store = new PostgresEventStore(database.pool, database.url);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('hashes the same events, appended in PostgreSQL, to the hashes es_append recorded', async () => {
    const streamName = `compte-é-${randomUUID()}`;
    const events = awkward.map((data, index) => ({
      id: randomUUID().toUpperCase(),
      type: 'Awkward',
      data,
      metadata: { correlationId: `c-${index}`, order: { z: 1, a: 2 } },
    }));
    await store.append([{ streamName, expectedRevision: 'no_stream', events: [events[0]] }]);
    await store.append([{ streamName, expectedRevision: 0n, events: [events[1]] }]);

    const { rows } = await database.pool.query<{ hash: string; micros: string }>(
      `SELECT encode(hash, 'hex') AS hash, (floor(extract(epoch FROM created_at) * 1000000))::bigint::text AS micros
         FROM es_events WHERE stream_name = $1 ORDER BY stream_revision`,
      [streamName],
    );
    const [first] = chainEvents(streamName, undefined, [events[0]], BigInt(rows[0].micros));
    const [second] = chainEvents(streamName, { revision: 0n, hash: first.hash }, [events[1]], BigInt(rows[1].micros));
    expect([first.hash, second.hash]).toEqual(rows.map((row) => row.hash));
  });
});
