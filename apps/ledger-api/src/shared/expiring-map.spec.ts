import { ExpiringMap } from './expiring-map';

describe('ExpiringMap', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('forgets an entry once its time is up', () => {
    const map = new ExpiringMap<string, number>(10, 60_000, clock);
    map.set('a', 1);
    now += 59_999;
    expect(map.get('a')).toBe(1);
    expect(map.remainingMs('a')).toBe(1);
    now += 1;
    expect(map.get('a')).toBeUndefined();
    expect(map.remainingMs('a')).toBe(0);
  });

  it('never holds more than its capacity, dropping the oldest first', () => {
    const map = new ExpiringMap<string, number>(3, 60_000, clock);
    for (let index = 0; index < 1_000; index++) map.set(`key-${index}`, index);
    expect(map.size).toBe(3);
    expect(map.get('key-996')).toBeUndefined();
    expect([map.get('key-997'), map.get('key-998'), map.get('key-999')]).toEqual([997, 998, 999]);
  });

  it('starts the time of an entry set again anew, and keeps it as the newest', () => {
    const map = new ExpiringMap<string, number>(2, 60_000, clock);
    map.set('a', 1);
    map.set('b', 2);
    now += 30_000;
    map.set('a', 3);
    map.set('c', 4);
    expect(map.get('b')).toBeUndefined();
    now += 45_000;
    expect(map.get('a')).toBe(3);
  });
});
