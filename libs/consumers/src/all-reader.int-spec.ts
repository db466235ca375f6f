import { randomUUID } from 'node:crypto';
import { Pool, QueryConfig, QueryResult } from 'pg';
import { EventStore, positionToString, RecordedEvent } from '@ledger/event-store';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@ledger/event-store/postgres';
import { createTestDatabase, TestDatabase } from '../../../test/database';
import { eventually } from '../../../test/eventually';
import { Projection, Reactor } from './consumer';
import { CONSUMER_MIGRATIONS, ConsumerRunner } from './consumer-runner';

/**
 * Every consumer of a process takes its events from one reader of `$all`; each gets exactly the
 * events after its own checkpoint, in order, whatever the others do.
 */
describe('One reader of $all for the consumers of a process', () => {
  let database: TestDatabase;
  /** Ids of the events each `$all` read returned, in the order returned. */
  let readIds: string[];
  /** The consumers' store, whose reads of `$all` are counted. */
  let store: EventStore;
  /** The test's own, for appends and what it reads. */
  let testStore: EventStore;

  /** The pool, with every read of `$all` (the adapter's readAll) counted by the events it returned. */
  const countingAllReads = (pool: Pool): Pool =>
    new Proxy(pool, {
      get(target, key) {
        if (key === 'query') {
          return async (config: QueryConfig | string, values?: unknown[]) => {
            const result = (await target.query(config as QueryConfig, values)) as QueryResult<{ event_id?: string }>;
            const text = typeof config === 'string' ? config : config.text;
            if (text.includes('ORDER BY transaction_id, global_position LIMIT')) {
              readIds.push(...result.rows.map((row) => row.event_id!));
            }
            return result;
          };
        }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });

  beforeEach(async () => {
    // A database of its own per test: `$all` holds only what the test appends.
    database = await createTestDatabase([POSTGRES_EVENT_STORE_MIGRATIONS, CONSUMER_MIGRATIONS], 4);
    readIds = [];
    store = new PostgresEventStore(countingAllReads(database.pool), database.url);
    testStore = new PostgresEventStore(database.pool, database.url);
    await database.pool.query(
      `CREATE TABLE handled (seq bigserial, consumer text, instance text, event_id uuid,
                             tx xid8 NOT NULL DEFAULT pg_current_xact_id())`,
    );
  });
  afterEach(async () => {
    await Promise.all([store.close(), testStore.close()]);
    await database.drop();
  });

  /** Appends `count` events, five per append, each in a stream of its own; returns them in `$all` order. */
  /** `count` events, `perAppend` to an append (one new stream each). */
  const append = async (count: number, perAppend = 5): Promise<RecordedEvent[]> => {
    const before = await testStore.headPosition();
    for (let index = 0; index < count; index += perAppend) {
      const events = Array.from({ length: Math.min(perAppend, count - index) }, () => ({
        id: randomUUID(),
        type: 'Happened',
        data: {},
      }));
      await testStore.append([{ streamName: `thing-${randomUUID()}`, expectedRevision: 'no_stream', events }]);
    }
    // A transaction still open elsewhere hides later commits from `$all` for a moment.
    return eventually(async () => {
      const appended = await testStore.readAll({ after: before });
      return appended.length === count && appended;
    });
  };

  const recording = (name: string, instance = 'one', fail?: (event: RecordedEvent) => boolean): Projection => ({
    kind: 'projection',
    name,
    async apply(events, client) {
      const failing = events.find((event) => fail?.(event));
      if (failing) throw new Error(`${name} cannot take ${failing.id}`);
      await client.query('INSERT INTO handled (consumer, instance, event_id) SELECT $1, $2, unnest($3::uuid[])', [
        name,
        instance,
        events.map((event) => event.id),
      ]);
    },
  });

  const handledBy = async (name: string): Promise<string[]> => {
    const { rows } = await database.pool.query<{ event_id: string }>(
      'SELECT event_id FROM handled WHERE consumer = $1 ORDER BY seq',
      [name],
    );
    return rows.map((row) => row.event_id);
  };

  const ids = (events: readonly RecordedEvent[]) => events.map((event) => event.id);

  const setCheckpoint = (name: string, event: RecordedEvent) =>
    database.pool.query('INSERT INTO consumer_checkpoints (name, position) VALUES ($1, $2)', [
      name,
      positionToString(event.position),
    ]);

  it('reads each event once for all consumers; each gets exactly the events after its checkpoint, in order, and projections at one position share a transaction for a long page', async () => {
    const history = await append(30);
    await setCheckpoint('behind-10', history[9]);
    await setCheckpoint('behind-20', history[19]);
    await setCheckpoint('at-head', history[29]);
    const reacted: string[] = [];
    const reactor: Reactor = {
      kind: 'reactor',
      name: 'reactor',
      async handle(event) {
        reacted.push(event.id);
      },
    };
    const names = ['from-start', 'behind-10', 'behind-20', 'at-head'];
    const runner = new ConsumerRunner(store, database.url, [...names.map((name) => recording(name)), reactor], {});
    runner.start();
    try {
      await eventually(async () => (await handledBy('from-start')).length === 30 && reacted.length === 30);
      await eventually(async () => (await handledBy('behind-10')).length === 20);
      await eventually(async () => (await handledBy('behind-20')).length === 10);
      readIds = [];

      // In appends of 50: pages long enough for the projections to share a transaction.
      const live = await append(200, 50);
      const all = [...history, ...live];
      await eventually(async () => {
        const counts = await Promise.all(names.map(async (name) => (await handledBy(name)).length));
        return counts.join() === '230,220,210,200' && reacted.length === 230;
      });

      expect(await handledBy('from-start')).toEqual(ids(all));
      expect(await handledBy('behind-10')).toEqual(ids(all.slice(10)));
      expect(await handledBy('behind-20')).toEqual(ids(all.slice(20)));
      expect(await handledBy('at-head')).toEqual(ids(live));
      expect(reacted).toEqual(ids(all));
      // Five consumers, and each event of `$all` read once.
      expect(readIds.sort()).toEqual(ids(live).sort());
      // The projections at the head took each page together: one transaction per event, for all four.
      const { rows } = await database.pool.query<{ transactions: number }>(
        `SELECT count(DISTINCT tx)::int AS transactions FROM handled
          WHERE event_id = ANY($1::uuid[]) GROUP BY event_id`,
        [ids(live)],
      );
      expect(new Set(rows.map((row) => row.transactions))).toEqual(new Set([1]));
    } finally {
      await runner.stop();
    }
  });

  it('keeps the others moving while one consumer fails; it then resumes from its checkpoint, taking each event once', async () => {
    let broken = true;
    const events = await append(20);
    const failing = recording('failing', 'one', (event) => broken && event.id === events[12].id);
    const runner = new ConsumerRunner(store, database.url, [failing, recording('steady-a'), recording('steady-b')], {});
    runner.start();
    try {
      const more = await append(40);
      const all = [...events, ...more];
      const failingStatus = async () => (await runner.status()).find((consumer) => consumer.name === 'failing')!;
      // The others may finish before the failing one's first failure is recorded: wait for both.
      await eventually(
        async () =>
          (await handledBy('steady-a')).length === 60 &&
          (await handledBy('steady-b')).length === 60 &&
          (await failingStatus()).lastError !== null,
      );
      const status = await failingStatus();
      expect(status.lastError?.message).toContain(`cannot take ${events[12].id}`);
      expect(status.processed).toBe(0);
      expect(await handledBy('failing')).toEqual([]);

      broken = false;
      await eventually(async () => (await handledBy('failing')).length === 60);
      for (const name of ['failing', 'steady-a', 'steady-b']) expect(await handledBy(name)).toEqual(ids(all));
    } finally {
      await runner.stop();
    }
  });

  it('lets a consumer that falls behind the window read on its own and catch up, holding up nobody', async () => {
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const reacted: string[] = [];
    const slow: Reactor = {
      kind: 'reactor',
      name: 'slow',
      async handle(event) {
        if (reacted.length === 3) await gate;
        reacted.push(event.id);
      },
    };
    const runner = new ConsumerRunner(store, database.url, [slow, recording('quick')], {
      batchSize: 20,
      reader: { bufferedEvents: 50, pageSize: 20 },
    });
    runner.start();
    try {
      const events = await append(300);
      // The reactor is stuck on its fourth event; the projection takes all 300 meanwhile.
      await eventually(async () => (await handledBy('quick')).length === 300);
      expect(reacted).toHaveLength(3);
      readIds = [];
      openGate();
      await eventually(async () => reacted.length === 300);
      expect(reacted).toEqual(ids(events));
      expect(await handledBy('quick')).toEqual(ids(events));
      // Far behind the 50 events kept, the reactor read its way back on its own.
      expect(readIds.length).toBeGreaterThan(0);
      expect(new Set(readIds).size).toBe(readIds.length);
    } finally {
      await runner.stop();
    }
  });

  it('reads each page behind the window once for the consumers behind it together', async () => {
    const events = await append(300);
    // All three start from the first event, far behind a window opened at the head.
    const names = ['behind-a', 'behind-b', 'behind-c'];
    const runner = new ConsumerRunner(
      store,
      database.url,
      names.map((name) => recording(name)),
      {
        batchSize: 20,
        reader: { bufferedEvents: 50, pageSize: 20 },
      },
    );
    runner.start();
    try {
      await eventually(async () =>
        (await Promise.all(names.map(handledBy))).every((handled) => handled.length === 300),
      );
      for (const name of names) expect(await handledBy(name)).toEqual(ids(events));
      expect(readIds.sort()).toEqual(ids(events).sort());
    } finally {
      await runner.stop();
    }
  });

  it('runs each consumer in one of two processes at a time, applying nothing twice while leadership moves', async () => {
    const names = ['first', 'second', 'third'];
    const runners = ['a', 'b'].map(
      (instance) =>
        new ConsumerRunner(
          store,
          database.url,
          names.map((name) => recording(name, instance)),
          { standbyRetryMs: 50 },
        ),
    );
    runners.forEach((runner) => runner.start());
    const stopping = new Map<ConsumerRunner, Promise<void>>();
    const stop = (runner: ConsumerRunner) => stopping.get(runner) ?? stopping.set(runner, runner.stop()).get(runner);
    const appended = await append(100);
    try {
      await eventually(async () => (await Promise.all(names.map(handledBy))).every((ids) => ids.length === 100));
      const leaders = await runners[0].leaders();
      expect([...leaders.keys()].sort()).toEqual([...names].sort());
      for (const name of names) {
        const states = await Promise.all(
          runners.map(async (runner) => (await runner.status()).find((status) => status.name === name)!.state),
        );
        expect(states.sort()).toEqual(['leading', 'standby']);
      }
      // The first runner stops mid-stream; the second takes over whatever it led.
      const writing = append(100);
      await stop(runners[0]);
      appended.push(...(await writing));
      await eventually(async () => (await Promise.all(names.map(handledBy))).every((ids) => ids.length === 200));
      for (const name of names) expect(await handledBy(name)).toEqual(ids(appended));
      expect([...(await runners[1].leaders()).values()]).toEqual(names.map(() => runners[1].instanceId));
    } finally {
      await Promise.all(runners.map(stop));
    }
  });
});
