import fc from 'fast-check';
import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('forgets the least recently used entry past its capacity', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect([cache.peek('a'), cache.peek('b'), cache.peek('c')]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('peek does not make an entry more recent', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.peek('a');
    cache.set('c', 3);
    expect(cache.peek('a')).toBeUndefined();
  });

  it('setting a key again replaces it without growing', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('a', 2);
    expect([cache.size, cache.get('a')]).toEqual([1, 2]);
  });

  it('never holds more than its capacity, whatever is done to it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.constantFrom('get', 'set', 'delete'), fc.integer({ min: 0, max: 50 }))),
        (capacity, operations) => {
          const cache = new LruCache<number, number>(capacity);
          for (const [operation, key] of operations) {
            if (operation === 'set') cache.set(key, key);
            else if (operation === 'get') cache.get(key);
            else cache.delete(key);
            if (cache.size > capacity) return false;
          }
          return true;
        },
      ),
    );
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
