import { canonicalJson, requestFingerprint } from './request-fingerprint';

describe('requestFingerprint', () => {
  const post = (body: unknown, path = '/api/v1/deposits') => requestFingerprint({ method: 'POST', url: path, body });

  it('ignores key order, at every depth', () => {
    expect(post({ amount: 100, accountId: 'a', meta: { x: 1, y: [{ b: 2, a: 1 }] } })).toBe(
      post({ meta: { y: [{ a: 1, b: 2 }], x: 1 }, accountId: 'a', amount: 100 }),
    );
  });

  it('tells values and their types apart', () => {
    expect(post({ amount: 1 })).not.toBe(post({ amount: '1' }));
    expect(post({ amount: 1 })).not.toBe(post({ amount: 2 }));
    expect(post({ flag: null })).not.toBe(post({}));
    expect(post({ list: [1, 2] })).not.toBe(post({ list: [2, 1] }));
    expect(post({ a: 1 })).not.toBe(post({ a: 1 }, '/api/v1/withdrawals'));
  });

  it('writes canonical JSON that parses back to the same value', () => {
    const value = { z: 'é"\n', a: [true, null, -0.5, { c: {}, b: [] }] };
    expect(canonicalJson(value)).toBe('{"a":[true,null,-0.5,{"b":[],"c":{}}],"z":"é\\"\\n"}');
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});
