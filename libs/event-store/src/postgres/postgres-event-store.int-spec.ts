import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '../../../../test/database';
import { comparePositions, RecordedEvent } from '../event-store.port';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from './postgres-event-store';

const WRITERS = 8;
const EVENTS = 5_000;
const STREAMS = 200;

describe('PostgresEventStore under concurrent writers', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase([POSTGRES_EVENT_STORE_MIGRATIONS], WRITERS + 4);
    store = new PostgresEventStore(database.pool, database.url);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it(`delivers every one of ${EVENTS} events from ${WRITERS} writers exactly once, in the order of $all`, async () => {
    const streams = Array.from({ length: STREAMS }, () => `load-${randomUUID()}`);
    const received: RecordedEvent[] = [];
    const subscription = store.subscribeToAll();
    const subscriber = (async () => {
      for await (const event of subscription) {
        received.push(event);
        if (received.length === EVENTS) break;
      }
    })();

    let remaining = EVENTS;
    const writer = async () => {
      while (remaining > 0) {
        const size = Math.min(remaining, 1 + Math.floor(Math.random() * 3));
        remaining -= size;
        const streamName = streams[Math.floor(Math.random() * STREAMS)];
        await store.append([
          {
            streamName,
            expectedRevision: 'any',
            events: Array.from({ length: size }, () => ({ id: randomUUID(), type: 'Loaded', data: {} })),
          },
        ]);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    await subscriber;
    await subscription.close();

    const all = await store.readAll();
    expect(all).toHaveLength(EVENTS);
    expect(new Set(received.map((event) => event.id)).size).toBe(EVENTS);
    expect(received.map((event) => event.id)).toEqual(all.map((event) => event.id));
    for (let index = 1; index < received.length; index++) {
      expect(comparePositions(received[index - 1].position, received[index].position)).toBe(-1);
    }
    const perStream = new Map<string, bigint[]>();
    for (const event of received)
      perStream.set(event.streamName, [...(perStream.get(event.streamName) ?? []), event.revision]);
    for (const revisions of perStream.values()) {
      expect(revisions).toEqual(revisions.map((_, index) => BigInt(index)));
    }
  });

  it('never lets a reader pass an event whose transaction commits after a later-numbered one', async () => {
    const blocker = await database.pool.connect();
    try {
      // An open transaction takes a position first and commits last.
      await blocker.query('BEGIN');
      await blocker.query(
        `SELECT * FROM es_append(ARRAY['slow-1'], ARRAY[-1::bigint], ARRAY[1], ARRAY[1], ARRAY[0], ARRAY[$1::uuid], ARRAY['Slow'], ARRAY['{}'::jsonb], ARRAY['{}'::jsonb])`,
        [randomUUID()],
      );
      const fast = await store.append([
        { streamName: 'fast-1', expectedRevision: 'any', events: [{ id: randomUUID(), type: 'Fast', data: {} }] },
      ]);
      const before = (await store.readAll()).map((event) => event.type);
      expect(before).not.toContain('Fast');
      await blocker.query('COMMIT');
      const after = (await store.readAll()).filter((event) => ['Slow', 'Fast'].includes(event.type));
      expect(after.map((event) => event.type)).toEqual(['Slow', 'Fast']);
      expect(comparePositions(after[1].position, fast.position)).toBe(0);
    } finally {
      blocker.release();
    }
  });
});
