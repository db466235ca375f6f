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
        `INSERT INTO es_events (stream_name, stream_revision, event_id, event_type, data, metadata)
         VALUES ('slow-1', 0, $1, 'Slow', '{}', '{}')`,
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

  it('keeps every append of a group commit atomic and independent of the others', async () => {
    const contested = `contested-${randomUUID()}`;
    const crossing = [`cross-${randomUUID()}`, `cross-${randomUUID()}`, `cross-${randomUUID()}`];
    const event = () => ({ id: randomUUID(), type: 'Grouped', data: {} });
    const outcomes = await Promise.allSettled([
      // Many appends race to create one stream: exactly one may.
      ...Array.from({ length: 40 }, () =>
        store.append([{ streamName: contested, expectedRevision: 'no_stream', events: [event()] }]),
      ),
      // Multi-stream appends over the same streams in every order: all land, none deadlocks,
      // and $all keeps each stream's events in revision order.
      ...Array.from({ length: 120 }, (_, index) =>
        store.append([
          { streamName: crossing[index % 3], expectedRevision: 'any', events: [event()] },
          { streamName: crossing[(index + 1) % 3], expectedRevision: 'any', events: [event(), event()] },
        ]),
      ),
    ]);
    const contestedOutcomes = outcomes.slice(0, 40);
    expect(contestedOutcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of contestedOutcomes.filter((outcome) => outcome.status === 'rejected')) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ streamName: contested, actual: 0n });
    }
    expect(outcomes.slice(40).every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    const lengths = await Promise.all(crossing.map(async (name) => (await store.readStream(name)).length));
    expect(lengths.reduce((sum, length) => sum + length, 0)).toBe(120 * 3);
    const inAllOrder = (await store.readAll({ filter: { streamPrefixes: ['cross-'] } })).map((e) => e.revision);
    for (const name of crossing) {
      const revisions = (await store.readAll({ filter: { streamPrefixes: [name] } })).map((e) => e.revision);
      expect(revisions).toEqual(revisions.map((_, index) => BigInt(index)));
    }
    expect(inAllOrder).toHaveLength(360);
  });

  it('keeps stream names and event types that an array literal would have to quote, in one group commit', async () => {
    const names = ['a "quoted", {braced} name', 'back\\slash\\"', 'NULL', 'é ✓ \n tab\t'].map(
      (name) => `${name}-${randomUUID()}`,
    );
    const types = ['Type,with,commas', '{"json": "like"}', 'NULL', ''];
    const written = await Promise.all(
      names.map((streamName, index) =>
        store.append([
          {
            streamName,
            expectedRevision: 'no_stream',
            events: [{ id: randomUUID(), type: types[index], data: { index } }],
          },
        ]),
      ),
    );
    expect(written.map((result) => result.streams[0].streamName)).toEqual(names);
    for (const [index, streamName] of names.entries()) {
      const [event] = await store.readStream(streamName);
      expect(event).toMatchObject({ streamName, type: types[index], revision: 0n, data: { index } });
    }
  });

  it('answers reads made at once, which share a query, each with its own stream, start and count', async () => {
    const streams = Array.from({ length: 30 }, (_, index) => ({ name: `read-${randomUUID()}`, length: index % 6 }));
    await Promise.all(
      streams
        .filter((stream) => stream.length > 0)
        .map((stream) =>
          store.append([
            {
              streamName: stream.name,
              expectedRevision: 'no_stream',
              events: Array.from({ length: stream.length }, (_, n) => ({
                id: randomUUID(),
                type: 'Read',
                data: { n },
              })),
            },
          ]),
        ),
    );
    const reads = streams.flatMap((stream) => [
      { stream, options: {}, expected: [...Array(stream.length).keys()] },
      { stream, options: { fromRevision: 2n }, expected: [...Array(stream.length).keys()].slice(2) },
      { stream, options: { fromRevision: 1n, maxCount: 2 }, expected: [...Array(stream.length).keys()].slice(1, 3) },
      {
        stream,
        options: { direction: 'backwards' as const, maxCount: 2 },
        expected: [...Array(stream.length).keys()].reverse().slice(0, 2),
      },
    ]);
    const answers = await Promise.all(reads.map(({ stream, options }) => store.readStream(stream.name, options)));
    answers.forEach((events, index) => {
      expect(events.map((event) => event.streamName)).toEqual(events.map(() => reads[index].stream.name));
      expect(events.map((event) => (event.data as { n: number }).n)).toEqual(reads[index].expected);
      expect(events.map((event) => event.revision)).toEqual(reads[index].expected.map(BigInt));
    });
  });
});
