import Redis from 'ioredis';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { ledgerTraffic, TestUser } from '../../../../test/ledger-traffic';

const LIMITS = {
  RATE_LIMIT_BALANCE_PER_MIN: '3',
  RATE_LIMIT_TRANSACTIONS_PER_MIN: '2',
  RATE_LIMIT_GLOBAL_PER_MIN: '12',
};

describe('Rate limits (over HTTP)', () => {
  let ledger: TestLedger;
  let traffic: ReturnType<typeof ledgerTraffic>;

  beforeAll(async () => {
    ledger = await startTestLedger(LIMITS);
    traffic = ledgerTraffic(ledger);
  });
  afterAll(() => ledger.close());

  it('limits balance reads per user, with the headers of API.md and 429 in its shape', async () => {
    const user = await traffic.user('Xia', 'customer');
    const account = await traffic.account(user);
    const caughtUp = await caughtUpHeaders(ledger);
    const started = Math.floor(Date.now() / 1_000);
    const answers = [];
    for (let index = 0; index < 4; index++) {
      answers.push(await traffic.api.get(`/api/v1/accounts/${account}/balance`, user.apiKey, caughtUp));
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(answers[0].headers.get('x-ratelimit-limit')).toBe('3');
    const reset = Number(answers[0].headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(started);
    expect(reset).toBeLessThanOrEqual(started + 61);
    const refused = answers[3];
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body).toEqual({
      error: 'rate_limit_exceeded',
      message: 'Too many requests. Please try again later.',
      retry_after: Number(refused.headers.get('retry-after')),
      requestId: expect.any(String),
    });
    // Both balance routes share the limit; other routes, and other users, are not held back.
    expect((await traffic.api.get(`/api/v1/users/${user.id}/balance`, user.apiKey)).status).toBe(429);
    const other = await traffic.api.get(`/api/v1/accounts/${account}`, user.apiKey);
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-limit')).toBe('12');
    const someoneElse = await traffic.user('Yan', 'customer');
    const theirs = await traffic.account(someoneElse);
    const balance = await traffic.api.get(
      `/api/v1/accounts/${theirs}/balance`,
      someoneElse.apiKey,
      await caughtUpHeaders(ledger),
    );
    expect(balance.status).toBe(200);
  });

  it('limits transaction lists, and the whole API per user; public routes such as health are not limited', async () => {
    const user = await traffic.user('Zed', 'customer');
    const account = await traffic.account(user);
    const caughtUp = await caughtUpHeaders(ledger);
    const lists = [];
    for (let index = 0; index < 3; index++) {
      lists.push((await traffic.api.get(`/api/v1/accounts/${account}/transactions`, user.apiKey, caughtUp)).status);
    }
    expect(lists).toEqual([200, 200, 429]);
    const statuses = [];
    for (let index = 0; index < 12; index++)
      statuses.push((await traffic.api.get('/api/v1/users/me', user.apiKey)).status);
    // 12 a minute in all: the account, the three lists and eight of these.
    expect(statuses.filter((status) => status === 200)).toHaveLength(8);
    expect(statuses.slice(8).every((status) => status === 429)).toBe(true);
    for (let index = 0; index < 20; index++) expect((await fetch(`${ledger.baseUrl}/health`)).status).toBe(200);
  });
});

describe('Rate limits shared through Redis by two API instances', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let reachable = false;
  let first: TestLedger;
  let second: TestLedger;
  let user: TestUser;

  beforeAll(async () => {
    const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    reachable = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (!reachable) {
      console.log(`Skipping the shared-limit test: no Redis answers at ${redisUrl} (set REDIS_URL).`);
      return;
    }
    first = await startTestLedger({ ...LIMITS, REDIS_URL: redisUrl });
    second = await startTestLedger({ ...LIMITS, REDIS_URL: redisUrl }, first);
    user = await ledgerTraffic(first).user('Ana', 'customer');
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('enforces one limit across both', async () => {
    if (!reachable) return;
    const account = await ledgerTraffic(first).account(user);
    const caughtUp = await caughtUpHeaders(first);
    const balance = (ledger: TestLedger) =>
      ledgerTraffic(ledger).api.get(`/api/v1/accounts/${account}/balance`, user.apiKey, caughtUp);
    expect((await balance(first)).status).toBe(200);
    expect((await balance(second)).status).toBe(200);
    expect((await balance(first)).status).toBe(200);
    const fourth = await balance(second);
    expect(fourth.status).toBe(429);
    expect(fourth.body.error).toBe('rate_limit_exceeded');
    const ready = await fetch(`${second.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { details: unknown }).details).toHaveProperty('redis', { status: 'up' });
  });
});
