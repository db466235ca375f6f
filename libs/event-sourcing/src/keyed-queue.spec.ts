import { KeyedQueue } from './keyed-queue';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs one key’s tasks one at a time, in arrival order, and other keys’ alongside', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} starts`);
      await tick();
      log.push(`${name} ends`);
    };
    await Promise.all([queue.run('a', task('a1')), queue.run('a', task('a2')), queue.run('b', task('b1'))]);
    expect(log.indexOf('a1 ends')).toBeLessThan(log.indexOf('a2 starts'));
    expect(log.indexOf('b1 starts')).toBeLessThan(log.indexOf('a1 ends'));
    expect(queue.size).toBe(0);
  });

  it('goes on after a failed task', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('a', () => Promise.reject(new Error('no')));
    const next = queue.run('a', () => Promise.resolve('yes'));
    await expect(failed).rejects.toThrow('no');
    await expect(next).resolves.toBe('yes');
  });

  it('takes several keys in one order, so two callers asking for them in opposite orders both finish', async () => {
    const queue = new KeyedQueue();
    const both = await Promise.all([
      queue.runAll(['a', 'b'], async () => (await tick(), 'ab')),
      queue.runAll(['b', 'a'], async () => (await tick(), 'ba')),
    ]);
    expect(both).toEqual(['ab', 'ba']);
    expect(queue.size).toBe(0);
  });
});
