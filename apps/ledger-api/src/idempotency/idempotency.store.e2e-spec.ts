import { startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { Claim, IdempotencyStore } from './idempotency.store';

const userId = '00000000-0000-4000-8000-00000000a001';
const answer = { statusCode: 201, bodyText: '{"id":"x"}', headers: { Location: '/x' } };

describe('idempotency claims made at once (one statement for many)', () => {
  let ledger: TestLedger;
  let store: IdempotencyStore;
  beforeAll(async () => {
    ledger = await startTestLedger();
    store = ledger.app.get(IdempotencyStore);
  });
  afterAll(() => ledger.close());

  it('gives each key to exactly one of the claims made at once, the same key repeated in one batch included', async () => {
    const keys = Array.from({ length: 50 }, (_, index) => `batch-key-${index}`);
    const claims = await Promise.all(keys.flatMap((key) => [1, 2, 3].map(() => store.claim(userId, key, 'same'))));
    const kinds = (key: string) =>
      claims.filter((_, index) => keys[Math.floor(index / 3)] === key).map((claim: Claim) => claim.kind);
    for (const key of keys) expect(kinds(key).sort()).toEqual(['claimed', 'in_use', 'in_use']);
  });

  it('answers replay, reused and in_use on keys already there, among claims made at once', async () => {
    await store.claim(userId, 'done-key', 'first');
    await store.complete(userId, 'done-key', answer);
    await store.claim(userId, 'running-key', 'first');

    const [replay, reused, inUse, fresh] = await Promise.all([
      store.claim(userId, 'done-key', 'first'),
      store.claim(userId, 'done-key', 'other'),
      store.claim(userId, 'running-key', 'first'),
      store.claim(userId, 'fresh-key', 'first'),
    ]);
    expect(replay).toEqual({ kind: 'replay', response: answer });
    expect(reused).toEqual({ kind: 'reused' });
    expect(inUse).toEqual({ kind: 'in_use' });
    expect(fresh).toEqual({ kind: 'claimed' });
  });

  it('stores each answer completed at once under its own key', async () => {
    const keys = Array.from({ length: 30 }, (_, index) => `answer-key-${index}`);
    await Promise.all(keys.map((key) => store.claim(userId, key, 'f')));
    await Promise.all(
      keys.map((key, index) => store.complete(userId, key, { ...answer, bodyText: JSON.stringify({ index }) })),
    );
    const replays = await Promise.all(keys.map((key) => store.claim(userId, key, 'f')));
    replays.forEach((replay, index) =>
      expect(replay).toEqual({ kind: 'replay', response: { ...answer, bodyText: JSON.stringify({ index }) } }),
    );
  });

  it('takes over an expired record', async () => {
    await store.claim(userId, 'old-key', 'first');
    await store.complete(userId, 'old-key', answer);
    await ledger.database.pool.query(
      `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'old-key'`,
    );
    expect(await store.claim(userId, 'old-key', 'second')).toEqual({ kind: 'claimed' });
  });
});
