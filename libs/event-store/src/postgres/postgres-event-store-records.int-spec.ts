import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../../../../test/database';
import { RecordTakenError } from '../event-store.port';
import { POSTGRES_TEST_RECORDS } from '../testing/postgres-test-records';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from './postgres-event-store';

describe('PostgresEventStore: records committed with appends', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase([POSTGRES_EVENT_STORE_MIGRATIONS]);
    const owner = new Client({ connectionString: database.migrationUrl });
    await owner.connect();
    await owner.query(POSTGRES_TEST_RECORDS);
    await owner.end();
    // One batch in flight: appends made while it is written travel together in the next.
    store = new PostgresEventStore(database.pool, database.url, { concurrentAppendBatches: 1 });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const append = (streamName: string, key?: string) =>
    store.append(
      [{ streamName, expectedRevision: 'no_stream', events: [{ id: randomUUID(), type: 'Recorded', data: {} }] }],
      key === undefined ? {} : { record: { key } },
    );

  const recordOf = async (key: string) =>
    (
      await database.pool.query<{ transaction_id: string; last_position: string; xmin: string }>(
        'SELECT transaction_id::text, last_position::text, xmin::text FROM test_records WHERE key = $1',
        [key],
      )
    ).rows[0];

  const eventsOf = async (streamName: string) =>
    (
      await database.pool.query<{ transaction_id: string; global_position: string; xmin: string }>(
        'SELECT transaction_id::text, global_position::text, xmin::text FROM es_events WHERE stream_name = $1',
        [streamName],
      )
    ).rows;

  it('writes an append and its record in one transaction, the record knowing where the append landed', async () => {
    const stream = `recorded-${randomUUID()}`;
    const key = randomUUID();
    const result = await append(stream, key);

    const [event] = await eventsOf(stream);
    const record = await recordOf(key);
    expect(record.xmin).toBe(event.xmin);
    expect(record.transaction_id).toBe(result.position.commit.toString());
    expect(record.last_position).toBe(result.position.prepare.toString());
    expect(store.recordsWithAppends).toBe(true);
  });

  it('fails only the append whose record is taken, in a group commit, and writes nothing of it', async () => {
    const taken = randomUUID();
    await append(`first-${randomUUID()}`, taken);
    const streams = [randomUUID(), randomUUID(), randomUUID()].map((id) => `grouped-${id}`);
    const fresh = randomUUID();

    const inFlight = append(`alone-${randomUUID()}`);
    const outcomes = await Promise.allSettled([
      append(streams[0], fresh),
      append(streams[1], taken),
      append(streams[2]),
    ]);
    await inFlight;

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(RecordTakenError);
    const [written, alsoWritten] = [outcomes[0], outcomes[2]].map(
      (outcome) => (outcome as PromiseFulfilledResult<{ position: { commit: bigint } }>).value.position.commit,
    );
    expect(written).toBe(alsoWritten);
    expect(await eventsOf(streams[1])).toEqual([]);
    expect((await recordOf(fresh)).transaction_id).toBe(written.toString());
    const streamRows = await database.pool.query('SELECT 1 FROM es_streams WHERE stream_name = ANY($1)', [
      [streams[1]],
    ]);
    expect(streamRows.rowCount).toBe(0);
  });

  it('does not answer an append with a record by the same events written before: their record is not its own', async () => {
    const stream = `retried-${randomUUID()}`;
    const events = [{ id: randomUUID(), type: 'Recorded', data: {} }];
    await store.append([{ streamName: stream, expectedRevision: 'no_stream', events }]);
    await expect(
      store.append([{ streamName: stream, expectedRevision: 'no_stream', events }], { record: { key: randomUUID() } }),
    ).rejects.toBeInstanceOf(RecordTakenError);
  });
});
