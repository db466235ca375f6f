import { randomUUID } from 'node:crypto';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@ledger/event-store/postgres';
import { WrongExpectedRevisionError } from '@ledger/event-store';
import { createTestDatabase, TestDatabase } from '../../../../test/database';
import {
  appendAhead,
  appendedAhead,
  loadAggregate,
  loadSettled,
  refuseOnlyWhenSettled,
  StaleDecisionError,
  stateCacheOf,
} from './event-sourcing';

type Counter = number;
const count = (state: Counter) => state + 1;
const event = () => ({ id: randomUUID(), type: 'Counted', data: {} });

describe('appendAhead: deciding on an append before it commits', () => {
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

  const load = (streamName: string) => loadAggregate<Counter, unknown>(store, streamName, count, 0);

  it('lets the next load see the append at once, and drops that view when the append fails', async () => {
    const streamName = `counter-${randomUUID()}`;
    await store.append([{ streamName, expectedRevision: 'no_stream', events: [event()] }]);
    const first = await load(streamName);
    expect(first).toMatchObject({ state: 1, revision: 0n });

    const ahead = appendedAhead(streamName, first, [{}, {}], count);
    const committed = appendAhead(store, [{ streamName, expectedRevision: 0n, events: [event(), event()] }], [ahead]);
    expect(await load(streamName)).toMatchObject({ state: 3, revision: 2n });
    // A refusal decided on a state with an append in flight waits for it and is decided again.
    const inFlight = { state: 3, revision: 2n, position: undefined, pending: committed };
    await expect(refuseOnlyWhenSettled([inFlight])).rejects.toBeInstanceOf(StaleDecisionError);
    await committed;
    const settled = await load(streamName);
    expect(settled).toMatchObject({ state: 3, revision: 2n });
    expect(settled.pending).toBeUndefined();
    await expect(refuseOnlyWhenSettled([settled])).resolves.toBeUndefined();

    // An append on a state that was never committed fails, and the next load reads what was.
    const wrong = appendedAhead(
      streamName,
      settled,
      Array.from({ length: 7 }, () => ({})),
      count,
    );
    const failing = appendAhead(store, [{ streamName, expectedRevision: 8n, events: [event()] }], [wrong]);
    expect((await load(streamName)).state).toBe(10);
    // A decision on a state that was since replaced records nothing.
    const stale = appendedAhead(streamName, first, [{}], count);
    void appendAhead(store, [{ streamName, expectedRevision: 0n, events: [event()] }], [stale]).catch(() => undefined);
    expect((await load(streamName)).state).toBe(10);
    await expect(failing).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await load(streamName)).toMatchObject({ state: 3, revision: 2n });
  });

  it('does not keep a state built on an entry dropped while the load read (a failed append it counted)', async () => {
    const streamName = `counter-${randomUUID()}`;
    await store.append([{ streamName, expectedRevision: 'no_stream', events: [event(), event()] }]);
    // A state counting an event that never committed (state 100 at revision 0), whose append's
    // failure drops it while a load reads the events after it.
    const cache = stateCacheOf(store);
    cache.set(streamName, { state: 100, revision: 0n, position: undefined });
    const reading = load(streamName);
    cache.delete(streamName);
    expect((await reading).state).toBe(101);
    expect(cache.peek(streamName)).toBeUndefined();
    expect(await load(streamName)).toMatchObject({ state: 2, revision: 1n });
  });

  it('loadSettled waits for the appends in flight and reads what was committed', async () => {
    const streamName = `counter-${randomUUID()}`;
    await store.append([{ streamName, expectedRevision: 'no_stream', events: [event()] }]);
    const ahead = appendedAhead(streamName, await load(streamName), [{}], count);
    const failing = appendAhead(store, [{ streamName, expectedRevision: 3n, events: [event()] }], [ahead]);
    failing.catch(() => undefined);
    expect(await loadSettled<Counter, unknown>(store, streamName, count, 0)).toMatchObject({ state: 1, revision: 0n });
    expect((await load(streamName)).pending).toBeUndefined();
  });
});
