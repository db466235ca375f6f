import { getEventListeners } from 'node:events';
import { untilAborted } from './until-aborted';

describe('untilAborted', () => {
  it('settles as the promise does and leaves no listener on the signal', async () => {
    const controller = new AbortController();
    for (let read = 0; read < 1_000; read++) {
      await expect(untilAborted(Promise.resolve(read), controller.signal)).resolves.toBe(read);
    }
    await expect(untilAborted(Promise.reject(new Error('dropped')), controller.signal)).rejects.toThrow('dropped');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it("settles with 'stopped' when the signal aborts first, or had already", async () => {
    const controller = new AbortController();
    const waiting = untilAborted(new Promise<never>(() => undefined), controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBe('stopped');
    await expect(untilAborted(Promise.resolve(1), controller.signal)).resolves.toBe('stopped');
  });
});
