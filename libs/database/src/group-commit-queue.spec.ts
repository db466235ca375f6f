import { GroupCommitQueue } from './group-commit-queue';

/** A writer whose batches finish only when the test says so. */
function controlledWriter() {
  const batches: { items: number[]; finish(fail?: Error): void }[] = [];
  const send = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, finish: (fail) => (fail ? reject(fail) : resolve(items.map((item) => `done ${item}`))) });
    });
  return { batches, send };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommitQueue', () => {
  it('sends an item at once when idle, and groups the items that arrive while batches are in flight', async () => {
    const writer = controlledWriter();
    const queue = new GroupCommitQueue(writer.send, 1, 10);
    const first = queue.submit(1);
    const rest = [2, 3, 4].map((item) => queue.submit(item));
    await settle();
    expect(writer.batches.map((batch) => batch.items)).toEqual([[1]]);

    writer.batches[0].finish();
    await expect(first).resolves.toBe('done 1');
    await settle();
    expect(writer.batches.map((batch) => batch.items)).toEqual([[1], [2, 3, 4]]);
    writer.batches[1].finish();
    await expect(Promise.all(rest)).resolves.toEqual(['done 2', 'done 3', 'done 4']);
  });

  it('keeps at most maxInFlight batches of at most maxBatch items', async () => {
    const writer = controlledWriter();
    const queue = new GroupCommitQueue(writer.send, 2, 2);
    const results = [1, 2, 3, 4, 5, 6].map((item) => queue.submit(item));
    await settle();
    expect(writer.batches.map((batch) => batch.items)).toEqual([[1], [2]]);
    writer.batches[0].finish();
    await settle();
    expect(writer.batches.map((batch) => batch.items)).toEqual([[1], [2], [3, 4]]);
    writer.batches[1].finish();
    await settle();
    expect(writer.batches.map((batch) => batch.items)).toEqual([[1], [2], [3, 4], [5, 6]]);
    writer.batches[2].finish();
    writer.batches[3].finish();
    await expect(Promise.all(results)).resolves.toHaveLength(6);
  });

  it('never has items with a shared ordering key in two batches in flight, and keeps their order', async () => {
    const writer = controlledWriter();
    const keyOf = (item: number) => [item < 10 ? 'hot' : `cold-${item}`];
    const queue = new GroupCommitQueue(writer.send, 2, 10, { orderingKeysOf: keyOf });
    const results = [1, 2, 11, 3, 12].map((item) => queue.submit(item));
    await settle();
    // 1 leaves alone; 2 shares its key and waits, while 11 takes the second slot.
    expect(writer.batches.map((batch) => batch.items)).toEqual([[1], [11]]);
    writer.batches[1].finish();
    await settle();
    // 2 and 3 still wait for 1; 12 passes them.
    expect(writer.batches.map((batch) => batch.items)).toEqual([[1], [11], [12]]);
    writer.batches[0].finish();
    await settle();
    expect(writer.batches.map((batch) => batch.items)).toEqual([[1], [11], [12], [2, 3]]);
    writer.batches[2].finish();
    writer.batches[3].finish();
    await expect(Promise.all(results)).resolves.toHaveLength(5);
  });

  it('when told to gather within a tick, sends the items of one tick together even when idle', async () => {
    const writer = controlledWriter();
    const queue = new GroupCommitQueue(writer.send, 2, 10, { gatherWithinTick: true });
    const together = [1, 2, 3].map((item) => queue.submit(item));
    await settle();
    const later = queue.submit(4);
    await settle();
    expect(writer.batches.map((batch) => batch.items)).toEqual([[1, 2, 3], [4]]);
    writer.batches.forEach((batch) => batch.finish());
    await expect(Promise.all([...together, later])).resolves.toEqual(['done 1', 'done 2', 'done 3', 'done 4']);
  });

  it('fails every item of a failed batch and goes on with the next', async () => {
    const writer = controlledWriter();
    const queue = new GroupCommitQueue(writer.send, 1, 10);
    const first = queue.submit(1);
    const second = queue.submit(2);
    await settle();
    writer.batches[0].finish(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await settle();
    writer.batches[1].finish();
    await expect(second).resolves.toBe('done 2');
  });
});
