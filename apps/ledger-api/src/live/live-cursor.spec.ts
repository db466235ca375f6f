import { decodeLiveCursor, encodeLiveCursor } from './live-cursor';

describe('live cursor', () => {
  it('round-trips positions, bigints beyond 2^53 included', () => {
    for (const position of [
      { commit: 0n, prepare: 0n },
      { commit: 745n, prepare: 12n },
      { commit: 2n ** 63n - 1n, prepare: 2n ** 60n + 7n },
    ]) {
      const cursor = encodeLiveCursor(position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeLiveCursor(cursor)).toEqual(position);
    }
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c'],
    ['padded', `${encodeLiveCursor({ commit: 1n, prepare: 1n })}=`],
    ['no position inside', Buffer.from('hello').toString('base64url')],
    ['a leading zero', Buffer.from('01-1').toString('base64url')],
    ['a negative number', Buffer.from('-1-1').toString('base64url')],
    ['the raw position', '1-1'],
    ['too long', 'A'.repeat(65)],
  ])('refuses a cursor with %s', (_, cursor) => {
    expect(decodeLiveCursor(cursor)).toBeUndefined();
  });
});
