import { randomUUID } from 'node:crypto';
import {
  AppendRequest,
  comparePositions,
  EventData,
  EventStore,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';

/**
 * The behaviour every adapter must show. Stream names are unique per test, so the suite also
 * runs against a shared server (KurrentDB) that holds other data.
 */
export function describeEventStoreContract(
  adapterName: string,
  connect: () => Promise<EventStore>,
  release: () => Promise<void>,
  describeSuite: jest.Describe = describe,
): void {
  describeSuite(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;
    let category: string;

    beforeAll(async () => {
      store = await connect();
    });
    afterAll(async () => {
      await store.close();
      await release();
    });
    beforeEach(() => {
      category = `test${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    });

    const streamName = () => `${category}-${randomUUID()}`;
    const events = (count: number, type = 'Something'): EventData[] =>
      Array.from({ length: count }, (_, index) => ({
        id: randomUUID(),
        type,
        data: { index, amount: '12345678901234567890' },
        metadata: { correlationId: 'c-1', userId: 'u-1' },
      }));
    const append = (name: string, expectedRevision: AppendRequest['expectedRevision'], batch = events(1)) =>
      store.append([{ streamName: name, expectedRevision, events: batch }]);
    const conflictOf = async (promise: Promise<unknown>): Promise<WrongExpectedRevisionError> => {
      const error = await promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      return error as WrongExpectedRevisionError;
    };

    it('appends to a new stream and reads it back forwards and backwards with data and metadata', async () => {
      const name = streamName();
      const batch = events(3);
      const result = await append(name, 'no_stream', batch);
      expect(result.streams).toEqual([{ streamName: name, revision: 2n }]);

      const forwards = await store.readStream(name);
      expect(forwards.map((event) => event.id)).toEqual(batch.map((event) => event.id));
      expect(forwards.map((event) => event.revision)).toEqual([0n, 1n, 2n]);
      expect(forwards[0]).toMatchObject({ type: 'Something', streamName: name, data: batch[0].data });
      expect(forwards[0].metadata).toMatchObject({ correlationId: 'c-1', userId: 'u-1' });
      expect(forwards[0].createdAt).toBeInstanceOf(Date);
      expect(comparePositions(forwards[2].position, result.position)).toBe(0);

      const backwards = await store.readStream(name, { direction: 'backwards', maxCount: 2 });
      expect(backwards.map((event) => event.revision)).toEqual([2n, 1n]);
      const fromOne = await store.readStream(name, { fromRevision: 1n, maxCount: 1 });
      expect(fromOne.map((event) => event.revision)).toEqual([1n]);
    });

    it('reads a stream that does not exist as empty', async () => {
      expect(await store.readStream(streamName())).toEqual([]);
    });

    it('enforces no_stream', async () => {
      const name = streamName();
      await append(name, 'no_stream', events(2));
      const error = await conflictOf(append(name, 'no_stream'));
      expect(error).toMatchObject({ streamName: name, expected: 'no_stream', actual: 1n });
    });

    it('enforces stream_exists', async () => {
      const name = streamName();
      const error = await conflictOf(append(name, 'stream_exists'));
      expect(error).toMatchObject({ streamName: name, expected: 'stream_exists', actual: 'no_stream' });
      await append(name, 'no_stream');
      const result = await append(name, 'stream_exists');
      expect(result.streams[0].revision).toBe(1n);
    });

    it('accepts any revision with any', async () => {
      const name = streamName();
      await append(name, 'any');
      const result = await append(name, 'any', events(2));
      expect(result.streams[0].revision).toBe(2n);
    });

    it('enforces an exact revision and names stream, expected and actual on conflict', async () => {
      const name = streamName();
      const missing = await conflictOf(append(name, 0n));
      expect(missing).toMatchObject({ streamName: name, expected: 0n, actual: 'no_stream' });

      await append(name, 'no_stream', events(2));
      const stale = await conflictOf(append(name, 0n));
      expect(stale).toMatchObject({ streamName: name, expected: 0n, actual: 1n });
      expect(stale.message).toContain(name);

      const result = await append(name, 1n);
      expect(result.streams[0].revision).toBe(2n);
    });

    it('lets exactly one of two concurrent appends at the same expected revision succeed', async () => {
      const name = streamName();
      await append(name, 'no_stream');
      const outcomes = await Promise.allSettled([append(name, 0n), append(name, 0n)]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(rejected.reason).toMatchObject({ streamName: name, expected: 0n, actual: 1n });
      expect(await store.readStream(name)).toHaveLength(2);
    });

    it('appends to several streams atomically, each at its own expected revision', async () => {
      const [first, second, third] = [streamName(), streamName(), streamName()];
      await append(second, 'no_stream');
      const result = await store.append([
        { streamName: first, expectedRevision: 'no_stream', events: events(2) },
        { streamName: second, expectedRevision: 0n, events: events(1) },
        { streamName: third, expectedRevision: 'any', events: events(1) },
      ]);
      expect(result.streams).toEqual(
        expect.arrayContaining([
          { streamName: first, revision: 1n },
          { streamName: second, revision: 1n },
          { streamName: third, revision: 0n },
        ]),
      );
    });

    it('writes nothing to any stream when one expected revision in a multi-stream append is stale', async () => {
      const [fresh, stale, other] = [streamName(), streamName(), streamName()];
      await append(stale, 'no_stream', events(2));
      await append(other, 'no_stream');
      const error = await conflictOf(
        store.append([
          { streamName: fresh, expectedRevision: 'no_stream', events: events(1) },
          { streamName: other, expectedRevision: 0n, events: events(1) },
          { streamName: stale, expectedRevision: 0n, events: events(1) },
        ]),
      );
      expect(error).toMatchObject({ streamName: stale, expected: 0n, actual: 1n });
      expect(await store.readStream(fresh)).toEqual([]);
      expect(await store.readStream(other)).toHaveLength(1);
      expect(await store.readStream(stale)).toHaveLength(2);
    });

    it('writes nothing twice when an append is retried with the same event ids', async () => {
      const [first, second] = [streamName(), streamName()];
      const requests: AppendRequest[] = [
        { streamName: first, expectedRevision: 'no_stream', events: events(2) },
        { streamName: second, expectedRevision: 'any', events: events(1) },
      ];
      const original = await store.append(requests);
      const retried = await store.append(requests);
      expect(retried.streams).toEqual(expect.arrayContaining(original.streams));
      expect(comparePositions(retried.position, original.position)).toBe(0);
      expect(await store.readStream(first)).toHaveLength(2);
      expect(await store.readStream(second)).toHaveLength(1);
    });

    it('reads $all forwards from a position, filtered by event type or stream prefix', async () => {
      const name = streamName();
      const first = await append(name, 'no_stream', events(2, 'Alpha'));
      await append(name, 1n, events(1, 'Beta'));
      await append(`${category}other-${randomUUID()}`, 'no_stream', events(1, 'Alpha'));

      const byPrefix = await store.readAll({ filter: { streamPrefixes: [`${category}-`] } });
      expect(byPrefix.map((event) => event.revision)).toEqual([0n, 1n, 2n]);
      const afterFirst = await store.readAll({ after: first.position, filter: { streamPrefixes: [category] } });
      expect(afterFirst.map((event) => event.type)).toEqual(['Beta', 'Alpha']);
      const betas = await store.readAll({ after: first.position, filter: { eventTypes: ['Beta'] } });
      expect(betas.filter((event) => event.streamName.startsWith(category)).map((event) => event.type)).toEqual([
        'Beta',
      ]);
      const limited = await store.readAll({ maxCount: 1, filter: { streamPrefixes: [category] } });
      expect(limited).toHaveLength(1);
    });

    it('counts the events after a position, only those a filter matches when given one', async () => {
      const wanted = `Wanted${category}`;
      const name = streamName();
      const first = await append(name, 'no_stream', events(1, wanted));
      await append(name, 0n, events(1, 'Unwanted'));
      await append(name, 1n, events(2, wanted));
      const last = await append(`${category}other-${randomUUID()}`, 'no_stream', events(1, 'Unwanted'));

      expect(await store.countAfter(first.position, { eventTypes: [wanted] })).toBe(2n);
      expect(await store.countAfter(first.position, { streamPrefixes: [`${category}-`] })).toBe(3n);
      expect(await store.countAfter(first.position, { eventTypes: [wanted], streamPrefixes: [category] })).toBe(2n);
      expect(await store.countAfter(first.position)).toBeGreaterThanOrEqual(4n);
      // Past the last event a filter matches, nothing is left, whatever follows.
      const lastWanted = (await store.readAll({ after: first.position, filter: { eventTypes: [wanted] } })).at(-1)!;
      expect(await store.countAfter(lastWanted.position, { eventTypes: [wanted] })).toBe(0n);
      expect(await store.countAfter(last.position, { streamPrefixes: [category] })).toBe(0n);
    });

    it('delivers history and then live events to a filtered catch-up subscription, in order', async () => {
      const name = streamName();
      await append(name, 'no_stream', events(2, 'Alpha'));
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: [`${category}-`] } });
      const received: RecordedEvent[] = [];
      const consumed = (async () => {
        for await (const event of subscription) {
          received.push(event);
          if (received.length === 5) break;
        }
      })();
      await append(name, 1n, events(1, 'Beta'));
      await append(`unrelated${category}-${randomUUID()}`, 'no_stream', events(1));
      await append(name, 2n, events(2, 'Gamma'));
      await consumed;
      await subscription.close();
      expect(received.map((event) => event.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
      expect(received.map((event) => event.type)).toEqual(['Alpha', 'Alpha', 'Beta', 'Gamma', 'Gamma']);
      for (let index = 1; index < received.length; index++) {
        expect(comparePositions(received[index - 1].position, received[index].position)).toBe(-1);
      }
    });

    it('reports the head of $all: a subscription from it delivers only later events', async () => {
      const name = streamName();
      const written = await append(name, 'no_stream', events(1, 'Alpha'));
      const head = await store.headPosition();
      expect(head).toBeDefined();
      expect(comparePositions(head!, written.position)).toBeGreaterThanOrEqual(0);
      const subscription = store.subscribeToAll({ after: head, filter: { streamPrefixes: [`${category}-`] } });
      await append(name, 0n, events(1, 'Beta'));
      const received: RecordedEvent[] = [];
      for await (const event of subscription) {
        received.push(event);
        break;
      }
      await subscription.close();
      expect(received.map((event) => event.type)).toEqual(['Beta']);
    });

    it('subscribes from a position, exclusive, filtered by event type', async () => {
      const name = streamName();
      const first = await append(name, 'no_stream', events(1, `Wanted${category}`));
      await append(name, 0n, events(1, `Wanted${category}`));
      await append(name, 1n, events(1, 'Unwanted'));
      await append(name, 2n, events(1, `Wanted${category}`));
      const subscription = store.subscribeToAll({
        after: first.position,
        filter: { eventTypes: [`Wanted${category}`] },
      });
      const received: bigint[] = [];
      for await (const event of subscription) {
        received.push(event.revision);
        if (received.length === 2) break;
      }
      await subscription.close();
      expect(received).toEqual([1n, 3n]);
    });
  });
}

/** Reports the suite as skipped for an adapter whose server is not available in this run. */
describeEventStoreContract.skipped = (adapterName: string): void =>
  describeEventStoreContract(
    adapterName,
    () => Promise.reject(new Error('not run')),
    async () => undefined,
    describe.skip,
  );
