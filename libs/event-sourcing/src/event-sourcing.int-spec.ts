import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'pg';
import { EventData } from '@ledger/event-store';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@ledger/event-store/postgres';
import { POSTGRES_TEST_RECORDS } from '@ledger/event-store/testing';
import { DomainRefusal } from '@ledger/ledger-domain';
import { createTestDatabase, TestDatabase } from '../../../test/database';
import { EventSourcing, StreamSpec } from './event-sourcing';

/** A counter: each event records the count it was decided on, so a stream shows what every write saw. */
type Counted = { type: 'Counted'; data: { seen: number } };
const counter = (name: string): StreamSpec<number, Counted> => ({
  name,
  evolve: (count) => count + 1,
  initialState: 0,
  queued: true,
});
/** A sum: each event records the sum it was decided on, so a write on a state never committed shows. */
type Added = { type: 'Added'; data: { seen: number; add: number } };
const sum = (name: string): StreamSpec<number, Added> => ({
  name,
  evolve: (total, { data }) => total + data.add,
  initialState: 0,
  queued: true,
});
const counted = (seen: number, events = 1) =>
  Array.from({ length: events }, () => ({ id: randomUUID(), type: 'Counted', data: { seen } }));

describe('EventSourcing: one command at a time per stream, deciding while the one before commits', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let eventSourcing: EventSourcing;

  beforeAll(async () => {
    database = await createTestDatabase([POSTGRES_EVENT_STORE_MIGRATIONS]);
    // Records committed with appends, as the application's idempotency records are.
    const owner = new Pool({ connectionString: database.migrationUrl, max: 1 });
    await owner.query(POSTGRES_TEST_RECORDS);
    await owner.end();
    store = new PostgresEventStore(database.pool, database.url);
  });
  beforeEach(() => {
    eventSourcing = new EventSourcing(store, { cachedStreams: 100, clock: { now: () => new Date() } });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  /** Given a stream with `events` events, a command that counts once; `during` runs as it decides. */
  const count = (name: string, decided: number[] = [], during: (seen: number) => void = () => undefined) =>
    eventSourcing.handle({
      streams: { counter: counter(name) },
      decide: ({ counter: seen }) => {
        decided.push(seen);
        during(seen);
        return { ok: true, events: { counter: [{ type: 'Counted' as const, data: { seen } }] } };
      },
      eventIds: () => () => randomUUID(),
      metadata: {},
    });

  const given = async (events: number) => {
    const name = `counter-${randomUUID()}`;
    if (events > 0)
      await store.append([{ streamName: name, expectedRevision: 'no_stream', events: counted(0, events) }]);
    return name;
  };

  /**
   * Another process: it holds the streams' locks, so this process's appends to them wait in
   * flight, until it appends to the first at revision 0 itself and lets go of them all.
   */
  const anotherProcessHolding = async (name: string, ...others: string[]) => {
    const pool = new Pool({ connectionString: database.url, max: 1 });
    const other = new PostgresEventStore(pool, database.url);
    const locks = (lock: string) =>
      pool.query(`SELECT ${lock}(hashtextextended(name, 0)) FROM unnest($1::text[]) AS name`, [[name, ...others]]);
    await locks('pg_advisory_lock');
    return {
      appendsWait: async (appends = 1) => {
        const waiting = `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`;
        while (((await database.pool.query(waiting)).rowCount ?? 0) < appends) await delay(10);
      },
      appendsFirstAndLetsGo: async (events: EventData[]) => {
        try {
          await other.append([{ streamName: name, expectedRevision: 0n, events }]);
          await locks('pg_advisory_unlock');
        } finally {
          await other.close();
          await pool.end();
        }
      },
      letsGo: async () => {
        await locks('pg_advisory_unlock');
        await other.close();
        await pool.end();
      },
    };
  };

  /** Every event was decided on the count of the events before it: nothing written on a state never committed. */
  const expectEveryWriteOnCommittedState = async (name: string) => {
    const events = await store.readStream(name);
    events.slice(1).forEach((event, index) => {
      if ((event.data as { seen: number }).seen > 0) expect(event.data).toEqual({ seen: index + 1 });
    });
    return events.length;
  };

  it('finds a command’s own events by their ids, with the state right after them; none when it never ran', async () => {
    const name = await given(2);
    const ids = [randomUUID(), randomUUID()];
    const idFor = (index: number) => ids[index];
    const own = [0, 1].map((index) => ({ id: idFor(index), type: 'Counted', data: { seen: 2 + index } }));
    await store.append([{ streamName: name, expectedRevision: 1n, events: own }]);
    await store.append([{ streamName: name, expectedRevision: 3n, events: counted(4) }]);
    const found = await eventSourcing.findOwnEvents(counter(name), idFor);
    expect(found?.state).toBe(4);
    expect(found?.events.map((event) => event.data)).toEqual([{ seen: 2 }, { seen: 3 }]);
    expect(found?.position).toEqual((await store.readStream(name))[3].position);
    expect(await eventSourcing.findOwnEvents(counter(name), () => randomUUID())).toBeUndefined();
  });

  it('runs a stream’s commands in arrival order, each deciding on the one before', async () => {
    const name = await given(1);
    const decided: number[] = [];
    const results = await Promise.all(Array.from({ length: 20 }, () => count(name, decided)));
    expect(decided).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(results.map(({ states }) => states.counter)).toEqual(decided.map((seen) => seen + 1));
    expect(await expectEveryWriteOnCommittedState(name)).toBe(21);
  });

  it('decides again, on what was committed, when another writer got there first', async () => {
    const name = await given(1);
    const decided: number[] = [];
    // Another process appends two events at the revision this command read, just before its append.
    let foreign = true;
    const handled = await count(name, decided, () => {
      if (foreign) void store.append([{ streamName: name, expectedRevision: 0n, events: counted(0, 2) }]);
      foreign = false;
    });
    expect(decided).toEqual([1, 3]);
    expect(handled.states.counter).toBe(4);
    expect(await expectEveryWriteOnCommittedState(name)).toBe(4);
    // The cache holds what was committed: a fresh instance reads the same.
    const fresh = new EventSourcing(store, { cachedStreams: 1, clock: { now: () => new Date() } });
    expect((await eventSourcing.load(counter(name))).state).toBe(4);
    expect((await fresh.load(counter(name))).state).toBe(4);
  });

  it('has the command decided on a failed append decided again, and writes nothing on it', async () => {
    const name = await given(1);
    const first: number[] = [];
    const second: number[] = [];
    // The first command's append waits in flight, the second, queued behind it, decides on its
    // outcome; then another writer gets there first, with two events, and the first fails.
    const other = await anotherProcessHolding(name);
    const firstDone = count(name, first);
    await other.appendsWait();
    const secondDone = count(name, second);
    while (second.length === 0) await delay(10);
    await other.appendsFirstAndLetsGo(counted(0, 2));
    await Promise.all([firstDone, secondDone]);
    expect(first).toHaveLength(2);
    expect(first[0]).toBe(1);
    expect(second[0]).toBe(2); // decided on the first command's append while it was in flight
    expect(second.length).toBeGreaterThan(1); // ... so decided again once it failed
    expect(await expectEveryWriteOnCommittedState(name)).toBe(5);
    expect((await eventSourcing.load(counter(name))).state).toBe(5);
  });

  // It waits in the queue: commands queued after it cannot put appends in flight before it is decided again.
  it.each([0, 5])(
    'refuses only on committed states: a refusal decided on an append in flight is decided again (%i commands queued after it)',
    async (queuedAfter) => {
      const name = await given(1);
      const refusals: number[] = [];
      const appending = count(name);
      const refusing = eventSourcing.handle({
        streams: { counter: counter(name) },
        decide: ({ counter: seen }) => {
          refusals.push(seen);
          return { ok: false, error: { code: 'insufficient_funds', message: 'No.' } };
        },
        eventIds: () => () => randomUUID(),
        metadata: {},
      });
      const later = Array.from({ length: queuedAfter }, () => count(name));
      await Promise.all([appending, expect(refusing).rejects.toBeInstanceOf(DomainRefusal), ...later]);
      expect(refusals).toEqual([2, 2]); // on the append in flight, then on it committed
      expect((await eventSourcing.load(counter(name))).state).toBe(2 + queuedAfter);
    },
  );

  it('goes ahead refusing part of what it was asked only on committed states: decided on an append in flight, it is decided again', async () => {
    const name = await given(1);
    const log = await given(0);
    const decided: number[] = [];
    // The first command's append waits in flight while the next one decides on its outcome.
    const other = await anotherProcessHolding(name);
    const appending = count(name);
    await other.appendsWait();
    // A batch, say, whose item on `counter` is refused while the rest is written to `log`.
    const partlyRefusing = eventSourcing.handle({
      streams: { counter: counter(name), log: counter(log) },
      decide: ({ counter: seen }) => {
        decided.push(seen);
        return { ok: true, events: { log: [{ type: 'Counted' as const, data: { seen } }] }, refusesPart: true };
      },
      eventIds: () => () => randomUUID(),
      metadata: {},
    });
    while (decided.length === 0) await delay(10);
    await other.letsGo();
    await Promise.all([appending, partlyRefusing]);
    expect(decided).toEqual([2, 2]); // on the append in flight, then on it committed
    expect(await store.readStream(log)).toHaveLength(1);
  });

  it('loadSettled answers a committed state, waiting for the appends in flight', async () => {
    const name = await given(1);
    const settled = new Promise<{ state: number; revision: bigint | 'no_stream' }>((resolve) => {
      void count(name, [], () => {
        // Runs as the command decides: its append starts right after, so the read meets it in flight.
        setImmediate(() => void eventSourcing.loadSettled(counter(name)).then(resolve));
      });
    });
    const { state, revision } = await settled;
    expect(state).toBe(2);
    expect(revision).toBe(1n);
    expect(await store.readStream(name)).toHaveLength(2);
  });

  it('a load meets the append in flight at once: the next command decides on it', async () => {
    const name = await given(1);
    const seen: number[] = [];
    await new Promise<void>((resolve) => {
      void count(name, [], () => {
        setImmediate(() => {
          void eventSourcing.load(counter(name)).then(({ state }) => seen.push(state));
          resolve();
        });
      });
    });
    await count(name);
    expect(seen).toEqual([2]);
    expect((await eventSourcing.load(counter(name))).state).toBe(3);
  });
  describe('states held in memory', () => {
    /** Reads of `name` from the store while `run` runs: the revision each started from. */
    const storeReadsOf = async (name: string, run: () => Promise<unknown>) => {
      const reads = jest.spyOn(store, 'readStream');
      try {
        await run();
        return reads.mock.calls.filter(([stream]) => stream === name).map(([, options]) => options?.fromRevision);
      } finally {
        reads.mockRestore();
      }
    };
    /** Spends `amount` of a sum when it holds that much; `decided` collects the sums it decided on. */
    const spend = (spec: StreamSpec<number, Added>, amount: number, decided: number[] = [], anyRevision = false) =>
      eventSourcing.handle({
        streams: { total: spec },
        decide: ({ total: seen }) => {
          decided.push(seen);
          if (seen < amount) return { ok: false, error: { code: 'insufficient_funds', message: 'No.' } };
          return {
            ok: true,
            events: { total: [{ type: 'Added' as const, data: { seen, add: -amount } }] },
            anyRevision: anyRevision ? ['total'] : [],
          };
        },
        eventIds: () => () => randomUUID(),
        metadata: {},
      });
    const givenSum = async (total: number) => {
      const name = `sum-${randomUUID()}`;
      await store.append([
        {
          streamName: name,
          expectedRevision: 'no_stream',
          events: [{ id: randomUUID(), type: 'Added', data: { seen: 0, add: total } }],
        },
      ]);
      return name;
    };
    /** Another process adds `add` to the sum: this process's memory does not know. */
    const addElsewhere = (name: string, add: number) =>
      store.append([
        {
          streamName: name,
          expectedRevision: 'any',
          events: [{ id: randomUUID(), type: 'Added', data: { seen: -1, add } }],
        },
      ]);

    it('decides on the state in memory without reading the store; the append at its revision proves it', async () => {
      const name = await givenSum(10);
      await eventSourcing.load(sum(name));
      const decided: number[] = [];
      expect(await storeReadsOf(name, () => spend(sum(name), 3, decided))).toEqual([]);
      expect(decided).toEqual([10]);
      expect((await eventSourcing.load(sum(name))).state).toBe(7);
    });

    it('decides again on the store’s state when the one in memory was not the latest: the append at its revision failed', async () => {
      const name = await givenSum(10);
      await eventSourcing.load(sum(name));
      await addElsewhere(name, 5);
      const decided: number[] = [];
      await spend(sum(name), 3, decided);
      expect(decided).toEqual([10, 15]);
      expect((await store.readStream(name)).map((event) => event.data)).toEqual([
        { seen: 0, add: 10 },
        { seen: -1, add: 5 },
        { seen: 15, add: -3 },
      ]);
    });

    it('never refuses on the state in memory: a refusal is decided again on the store’s', async () => {
      const name = await givenSum(1);
      await eventSourcing.load(sum(name));
      await addElsewhere(name, 9);
      const decided: number[] = [];
      await spend(sum(name), 5, decided);
      expect(decided).toEqual([1, 10]); // refused in memory, then went ahead on what was stored
      const refused: number[] = [];
      await expect(spend(sum(name), 50, refused)).rejects.toBeInstanceOf(DomainRefusal);
      expect(refused).toEqual([5]); // the store held nothing newer: decided once
    });

    it('never refuses part of what it was asked on the state in memory, even one of lasting facts', async () => {
      const name = await givenSum(1);
      const log = `counter-${randomUUID()}`;
      await eventSourcing.load(sum(name));
      await addElsewhere(name, 9);
      const decided: number[] = [];
      await eventSourcing.handle({
        streams: { total: { ...sum(name), queued: false, lastingFactsOnly: true }, log: counter(log) },
        decide: ({ total: seen }) => {
          decided.push(seen);
          return { ok: true, events: { log: [{ type: 'Counted' as const, data: { seen } }] }, refusesPart: seen < 5 };
        },
        eventIds: () => () => randomUUID(),
        metadata: {},
      });
      expect(decided).toEqual([1, 10]); // refused a part in memory, then went ahead whole on what was stored
    });

    it('takes a stream presumed new to be new without reading it, with a record; one that exists after all is read on the next attempt', async () => {
      // The same event ids on every attempt, as a request's are.
      const ids = [randomUUID()];
      const decided: number[] = [];
      const create = (name: string, withRecord: boolean) =>
        eventSourcing.handle({
          streams: { counter: { ...counter(name), queued: false, presumedNew: true } },
          decide: ({ counter: seen }) => {
            decided.push(seen);
            if (seen > 0) return { ok: true, events: {} };
            return { ok: true, events: { counter: [{ type: 'Counted' as const, data: { seen } }] } };
          },
          eventIds: () => (index) => ids[index],
          metadata: {},
          ...(withRecord && { record: { of: () => ({ key: randomUUID() }), committed: () => undefined } }),
        });
      const name = `counter-${randomUUID()}`;
      expect(await storeReadsOf(name, () => create(name, true))).toEqual([]);
      expect(decided).toEqual([0]);
      // Written by an earlier process, whose record was lost: this one's memory does not hold it.
      const written = `counter-${randomUUID()}`;
      await store.append([
        { streamName: written, expectedRevision: 'no_stream', events: [{ id: ids[0], type: 'Counted', data: {} }] },
      ]);
      decided.length = 0;
      await create(written, true);
      expect(decided).toEqual([0, 1]); // its append at no_stream failed; then decided on the stream as read
      const writtenToo = `counter-${randomUUID()}`;
      await store.append([
        { streamName: writtenToo, expectedRevision: 'no_stream', events: [{ id: ids[0], type: 'Counted', data: {} }] },
      ]);
      decided.length = 0;
      await create(writtenToo, false);
      expect(decided).toEqual([1]); // without a record, read first: the store would take the same ids for written
      expect(await store.readStream(written)).toHaveLength(1);
      expect(await store.readStream(writtenToo)).toHaveLength(1);
    });

    it('reads the store for a state it writes at any revision, unless only lasting facts of it are checked', async () => {
      const name = await givenSum(10);
      await eventSourcing.load(sum(name));
      await addElsewhere(name, 5);
      const decided: number[] = [];
      await spend({ ...sum(name), queued: false }, 1, decided, true);
      expect(decided).toEqual([10, 15]);
      const lasting: number[] = [];
      const reads = await storeReadsOf(name, () =>
        spend({ ...sum(name), queued: false, lastingFactsOnly: true }, 1, lasting, true),
      );
      expect(reads).toEqual([]);
      expect(lasting).toEqual([14]);
    });

    it('moves the state in memory over an append at any revision that directly follows it', async () => {
      const name = await givenSum(10);
      await eventSourcing.load(sum(name));
      await spend({ ...sum(name), queued: false, lastingFactsOnly: true }, 1, [], true);
      // Held at revision 1 now: a load reads only what came after.
      expect(await storeReadsOf(name, () => eventSourcing.load(sum(name)))).toEqual([2n]);
      await addElsewhere(name, 5);
      await spend({ ...sum(name), queued: false, lastingFactsOnly: true }, 1, [], true);
      // Revision 2 came from elsewhere: the entry stays at 1 until a read brings the rest.
      expect(await storeReadsOf(name, () => eventSourcing.load(sum(name)))).toEqual([2n]);
      expect((await eventSourcing.load(sum(name))).state).toBe(13);
    });
  });

  describe('when another process appends as many events at the revision of an append in flight', () => {
    /** A command adding 1 to a sum; `decided` collects the sums it decided on. */
    const addOne = (name: string, decided: number[]) =>
      eventSourcing.handle({
        streams: { total: sum(name) },
        decide: ({ total: seen }) => {
          decided.push(seen);
          return { ok: true, events: { total: [{ type: 'Added' as const, data: { seen, add: 1 } }] } };
        },
        eventIds: () => () => randomUUID(),
        metadata: {},
      });
    const added = (seen: number, add: number) => [{ id: randomUUID(), type: 'Added', data: { seen, add } }];
    const givenSum = async () => {
      const name = `sum-${randomUUID()}`;
      await store.append([{ streamName: name, expectedRevision: 'no_stream', events: added(0, 0) }]);
      return name;
    };
    /** Every event was decided on the sum of the events before it. */
    const expectEveryWriteOnCommittedSums = async (name: string) => {
      const events = (await store.readStream(name)).map((event) => event.data as Added['data']);
      let total = 0;
      for (const { seen, add } of events) {
        expect(seen).toBe(total);
        total += add;
      }
      return total;
    };

    it('fails the command decided on it that travels in the same batch, which is decided again', async () => {
      const name = await givenSum();
      const [first, second]: number[][] = [[], []];
      // Two appends to other streams wait in flight, taking both of the group commit's batches:
      // the two commands' appends wait, and leave together in the next.
      const blocking = [`sum-${randomUUID()}`, `sum-${randomUUID()}`];
      const other = await anotherProcessHolding(name, ...blocking);
      const blocked = blocking.map((stream) =>
        store.append([{ streamName: stream, expectedRevision: 'any', events: added(0, 0) }]),
      );
      await other.appendsWait(2);
      const firstDone = addOne(name, first);
      const secondDone = addOne(name, second);
      while (second.length === 0) await delay(10);
      await other.appendsFirstAndLetsGo(added(0, 100));
      await Promise.all([firstDone, secondDone, ...blocked]);
      expect(second[0]).toBe(1); // decided on the first command's append in flight
      expect(await expectEveryWriteOnCommittedSums(name)).toBe(102);
    });

    it('fails the command decided on it that waits for the next batch, which is decided again', async () => {
      const name = await givenSum();
      const [first, second]: number[][] = [[], []];
      const other = await anotherProcessHolding(name);
      const firstDone = addOne(name, first);
      await other.appendsWait();
      const secondDone = addOne(name, second);
      while (second.length === 0) await delay(10);
      await other.appendsFirstAndLetsGo(added(0, 100));
      await Promise.all([firstDone, secondDone]);
      expect(second[0]).toBe(1); // decided on the first command's append in flight
      expect(await expectEveryWriteOnCommittedSums(name)).toBe(102);
    });
  });
});
