import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { PoolClient } from 'pg';
import { EventStore, RecordedEvent } from '@ledger/event-store';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@ledger/event-store/postgres';
import { createTestDatabase, TestDatabase } from '../../../test/database';
import { eventually } from '../../../test/eventually';
import { Projection, Reactor } from './consumer';
import { CONSUMER_MIGRATIONS, ConsumerFailure, ConsumerRunner, ConsumerStatus } from './consumer-runner';

describe('ConsumerRunner', () => {
  let database: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    database = await createTestDatabase([POSTGRES_EVENT_STORE_MIGRATIONS, CONSUMER_MIGRATIONS]);
    store = new PostgresEventStore(database.pool, database.url);
    await database.pool.query('CREATE TABLE projected (consumer text, instance text, event_id uuid, amount bigint)');
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const appendAmounts = async (prefix: string, count: number, perAppend = 5): Promise<bigint> => {
    let total = 0n;
    for (let index = 0; index < count; index += perAppend) {
      const events = Array.from({ length: Math.min(perAppend, count - index) }, (_, offset) => {
        const amount = BigInt(index + offset + 1);
        total += amount;
        return { id: randomUUID(), type: 'Amounted', data: { amount: amount.toString() } };
      });
      const request = { streamName: `${prefix}-${randomUUID()}`, expectedRevision: 'no_stream' as const, events };
      // A dropped connection leaves the outcome unknown: retrying with the same event ids is safe.
      await eventually(() =>
        store.append([request]).then(
          () => true,
          () => false,
        ),
      );
    }
    return total;
  };

  const recordingProjection = (name: string, instance: string, prefix: string): Projection => ({
    kind: 'projection',
    name,
    filter: { streamPrefixes: [`${prefix}-`] },
    async apply(events: readonly RecordedEvent[], client: PoolClient) {
      await client.query(
        `INSERT INTO projected (consumer, instance, event_id, amount)
         SELECT $1, $2, id, amount FROM unnest($3::uuid[], $4::bigint[]) AS e(id, amount)`,
        [
          name,
          instance,
          events.map((event) => event.id),
          events.map((event) => (event.data as { amount: string }).amount),
        ],
      );
      await client.query('SELECT pg_sleep(0.002)');
    },
  });

  const projectedTotals = async (name: string) => {
    const { rows } = await database.pool.query<{ rows: string; distinct_events: string; total: string | null }>(
      `SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct_events, sum(amount) AS total
         FROM projected WHERE consumer = $1`,
      [name],
    );
    return { rows: Number(rows[0].rows), distinct: Number(rows[0].distinct_events), total: BigInt(rows[0].total ?? 0) };
  };

  const statusOf = async (runner: ConsumerRunner, name: string): Promise<ConsumerStatus> =>
    (await runner.status()).find((status) => status.name === name)!;

  it('resumes from its checkpoint after its connections are dropped mid-batch, applying every event exactly once', async () => {
    const prefix = `drop${randomUUID().slice(0, 8)}`;
    const name = `projection-${prefix}`;
    const events = 3_000;
    const errors: unknown[] = [];
    const runner = new ConsumerRunner(store, database.url, [recordingProjection(name, 'a', prefix)], {
      batchSize: 50,
      onError: (_, error) => errors.push(error),
    });
    const writing = appendAmounts(prefix, events);
    runner.start();

    // Cut every connection but this one, again and again, while the projection works.
    const admin = await database.pool.connect();
    try {
      for (let cut = 0; cut < 8; cut++) {
        await delay(120);
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        );
      }
    } finally {
      admin.release(true);
    }
    try {
      const expectedTotal = await writing;
      await eventually(
        async () => (await projectedTotals(name)).rows >= events && (await statusOf(runner, name)).lag === 0n,
      );
      await delay(300);
      expect(await projectedTotals(name)).toEqual({ rows: events, distinct: events, total: expectedTotal });
      expect(errors.length).toBeGreaterThan(0);
      const status = await statusOf(runner, name);
      expect(status).toMatchObject({ kind: 'projection', state: 'leading', lag: 0n });
      expect(status.lastError).toEqual({ message: expect.any(String), at: expect.any(Date) });
      expect((await runner.leaders()).get(name)).toBe(runner.instanceId);
      expect(status.position).toMatch(/^\d+-\d+$/);
    } finally {
      await runner.stop();
    }
  });

  it('lets one instance of a named consumer run at a time and hands over when it stops', async () => {
    const prefix = `lead${randomUUID().slice(0, 8)}`;
    const name = `projection-${prefix}`;
    const first = new ConsumerRunner(store, database.url, [recordingProjection(name, 'first', prefix)], {
      standbyRetryMs: 100,
    });
    const second = new ConsumerRunner(store, database.url, [recordingProjection(name, 'second', prefix)], {
      standbyRetryMs: 100,
    });
    first.start();
    await eventually(async () => (await statusOf(first, name)).state === 'leading');
    second.start();
    await eventually(async () => (await statusOf(second, name)).state === 'standby');
    // Either instance names the leader, wherever it runs.
    expect((await second.leaders()).get(name)).toBe(first.instanceId);

    const before = await appendAmounts(prefix, 200);
    await eventually(async () => (await projectedTotals(name)).rows === 200);
    await eventually(async () => (await statusOf(first, name)).processed === 200);
    expect((await statusOf(second, name)).processed).toBe(0);
    await first.stop();
    // Stopping again (an app closing a runner already stopped) is no failure.
    await expect(first.stop()).resolves.toBeUndefined();
    await eventually(async () => (await statusOf(second, name)).state === 'leading');
    const after = await appendAmounts(prefix, 100);
    await eventually(
      async () => (await projectedTotals(name)).rows >= 300 && (await statusOf(second, name)).lag === 0n,
    );
    await second.stop();

    const { rows } = await database.pool.query<{ instance: string; count: string }>(
      'SELECT instance, count(*) FROM projected WHERE consumer = $1 GROUP BY instance ORDER BY instance',
      [name],
    );
    expect(rows).toEqual([
      { instance: 'first', count: '200' },
      { instance: 'second', count: '100' },
    ]);
    expect(await projectedTotals(name)).toEqual({ rows: 300, distinct: 300, total: before + after });
  });

  it('moves a reactor checkpoint only after its handler succeeded, redelivering a failed event and naming it', async () => {
    const prefix = `react${randomUUID().slice(0, 8)}`;
    await appendAmounts(prefix, 20, 1);
    const handled: string[] = [];
    const failedOn: string[] = [];
    let failuresLeft = 2;
    const reactor: Reactor = {
      kind: 'reactor',
      name: `reactor-${prefix}`,
      filter: { streamPrefixes: [`${prefix}-`] },
      async handle(event) {
        const amount = (event.data as { amount: string }).amount;
        if (amount === '7' && failuresLeft-- > 0) {
          failedOn.push(event.id);
          throw new Error('side effect failed');
        }
        handled.push(amount);
      },
    };
    const errors: unknown[] = [];
    const runner = new ConsumerRunner(store, database.url, [reactor], {
      onError: (_, error) => errors.push(error),
    });
    runner.start();
    await eventually(async () => handled.length === 20 && (await statusOf(runner, reactor.name)).lag === 0n);
    await runner.stop();
    expect(handled).toEqual(Array.from({ length: 20 }, (_, index) => String(index + 1)));
    expect(failuresLeft).toBe(-1);
    // What the log line says: the event it failed on, and the error itself.
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConsumerFailure);
      expect(error).toMatchObject({ event: { id: failedOn[0], type: 'Amounted' }, events: 1 });
      expect((error as ConsumerFailure).cause).toEqual(new Error('side effect failed'));
    }
  });
  it('counts as lag only the events a consumer subscribes to: 0 once it has handled them, whatever follows', async () => {
    const prefix = `lag${randomUUID().slice(0, 8)}`;
    const name = `lag-${prefix}`;
    await appendAmounts(prefix, 10);
    const runner = new ConsumerRunner(store, database.url, [recordingProjection(name, 'one', prefix)]);
    runner.start();
    try {
      await eventually(async () => (await projectedTotals(name)).rows === 10);
      await appendAmounts(`other${prefix}`, 15);
      expect((await statusOf(runner, name)).lag).toBe(0n);
      await appendAmounts(prefix, 3, 1);
      await eventually(async () => (await projectedTotals(name)).rows === 13);
      await eventually(async () => (await statusOf(runner, name)).lag === 0n);
    } finally {
      await runner.stop();
    }
  });

  it('counts lag from as far as the consumer has read, not from a checkpoint left behind by the events it skips', async () => {
    const prefix = `read${randomUUID().slice(0, 8)}`;
    const name = `read-${prefix}`;
    await appendAmounts(prefix, 2);
    const runner = new ConsumerRunner(store, database.url, [recordingProjection(name, 'one', prefix)]);
    const counted = jest.spyOn(store, 'countAfter');
    runner.start();
    try {
      await eventually(async () => (await projectedTotals(name)).rows === 2);
      const checkpoint = (await statusOf(runner, name)).position;
      await appendAmounts(`other${prefix}`, 15);
      const head = await store.headPosition();
      // It reads past the events it skips, and says so; a runner that has not started has read nothing.
      await eventually(async () => runner.hasReadUpTo(head!));
      expect(new ConsumerRunner(store, database.url, runner.projections()).hasReadUpTo(head!)).toBe(false);
      // Once it has read past the others, they are counted from there: its checkpoint has not moved.
      await eventually(async () => {
        counted.mockClear();
        const status = await statusOf(runner, name);
        const from = counted.mock.calls.find(([, filter]) => filter === runner.projections()[0].filter)?.[0];
        return status.lag === 0n && status.position === checkpoint && from?.prepare === head?.prepare;
      });
    } finally {
      counted.mockRestore();
      await runner.stop();
    }
  });

  it('counts the lag of consumers at one position with one filter once', async () => {
    const prefix = `shared${randomUUID().slice(0, 8)}`;
    await appendAmounts(prefix, 4);
    const names = [`first-${prefix}`, `second-${prefix}`];
    const runner = new ConsumerRunner(
      store,
      database.url,
      names.map((name) => recordingProjection(name, 'one', prefix)),
    );
    const counted = jest.spyOn(store, 'countAfter');
    runner.start();
    try {
      await eventually(async () => {
        counted.mockClear();
        const statuses = (await runner.status()).filter((status) => names.includes(status.name));
        const counts = counted.mock.calls.filter(([, filter]) => filter?.streamPrefixes?.[0] === `${prefix}-`);
        return statuses.every((status) => status.lag === 0n) && counts.length === 1;
      });
    } finally {
      counted.mockRestore();
      await runner.stop();
    }
  });

  it('hands a follower the events after its position from the pages its consumers read, until it stops', async () => {
    const prefix = `followed${randomUUID().slice(0, 8)}`;
    const name = `projection-${prefix}`;
    const runner = new ConsumerRunner(store, database.url, [recordingProjection(name, 'one', prefix)]);
    const subscribed = jest.spyOn(store, 'subscribeToAll');
    const followed: RecordedEvent[] = [];
    const follow = async () => {
      let after = await store.headPosition();
      for (;;) {
        const page = await runner.eventsAfter(after, 3, new AbortController().signal);
        if (page.length === 0) return;
        followed.push(...page);
        after = page[page.length - 1].position;
      }
    };
    runner.start();
    const following = follow();
    try {
      const total = await appendAmounts(prefix, 12);
      await eventually(async () => (await projectedTotals(name)).total === total);
      await eventually(async () => followed.length === 12);
      expect(followed.map((event) => (event.data as { amount: string }).amount)).toEqual(
        Array.from({ length: 12 }, (_, index) => String(index + 1)),
      );
      // One subscription to $all in the process: the follower reads nothing of its own.
      expect(subscribed).toHaveBeenCalledTimes(1);
    } finally {
      subscribed.mockRestore();
      await runner.stop();
    }
    await expect(following).resolves.toBeUndefined();
  });
});
