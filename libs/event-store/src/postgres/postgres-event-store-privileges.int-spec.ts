import { randomUUID } from 'node:crypto';
import { DatabaseError } from 'pg';
import { createTestDatabase, TestDatabase } from '../../../../test/database';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from './postgres-event-store';

const PERMISSION_DENIED = '42501';

describe('the PostgreSQL event store as the app role', () => {
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

  const refusal = (statement: string) =>
    database.pool.query(statement).then(
      () => undefined,
      (error: unknown) => (error instanceof DatabaseError ? error.code : error),
    );

  it('is no superuser and owns none of the event store', async () => {
    const { rows } = await database.pool.query<{ rolsuper: boolean; owns: boolean }>(
      `SELECT rolsuper, EXISTS (SELECT 1 FROM pg_tables WHERE tablename LIKE 'es\\_%' AND tableowner = current_user) AS owns
         FROM pg_roles WHERE rolname = current_user`,
    );
    expect(rows).toEqual([{ rolsuper: false, owns: false }]);
  });

  it('appends and reads, subscribes, but can neither change nor remove an event', async () => {
    const streamName = `account-${randomUUID()}`;
    const subscription = store.subscribeToAll();
    const first = subscription[Symbol.asyncIterator]().next();
    await store.append([
      { streamName, expectedRevision: 'no_stream', events: [{ id: randomUUID(), type: 'Opened', data: {} }] },
    ]);
    await store.append([
      { streamName, expectedRevision: 0n, events: [{ id: randomUUID(), type: 'Credited', data: {} }] },
    ]);
    expect((await store.readStream(streamName)).map((event) => event.type)).toEqual(['Opened', 'Credited']);
    expect((await first).value).toMatchObject({ streamName, type: 'Opened' });
    await subscription.close();

    expect(await refusal(`UPDATE es_events SET data = '{"amount": 1000000}'`)).toBe(PERMISSION_DENIED);
    expect(await refusal('DELETE FROM es_events')).toBe(PERMISSION_DENIED);
    expect(await refusal('TRUNCATE es_events')).toBe(PERMISSION_DENIED);
    expect(await refusal('DROP TABLE es_events')).toBe(PERMISSION_DENIED);
    expect(await refusal('ALTER TABLE es_events DISABLE TRIGGER ALL')).toBe(PERMISSION_DENIED);
    expect(await refusal('DELETE FROM es_streams')).toBe(PERMISSION_DENIED);
    expect(await refusal('CREATE ROLE intruder SUPERUSER')).toBe(PERMISSION_DENIED);
    expect(await store.readStream(streamName)).toHaveLength(2);
  });
});
