import Redis from 'ioredis';
import { randomInt } from 'node:crypto';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { ledgerTraffic, TestUser } from '../../../../test/ledger-traffic';

const LIMITS = {
  RATE_LIMIT_BALANCE_PER_USER_PER_MIN: '3',
  RATE_LIMIT_TRANSACTIONS_PER_USER_PER_MIN: '2',
  RATE_LIMIT_PER_USER_PER_MIN: '12',
  RATE_LIMIT_GLOBAL_PER_MIN: '60000',
};

/** Only the limit of all callers together: six requests a minute. */
const GLOBAL_ONLY = {
  RATE_LIMIT_BALANCE_PER_USER_PER_MIN: '0',
  RATE_LIMIT_TRANSACTIONS_PER_USER_PER_MIN: '0',
  RATE_LIMIT_PER_USER_PER_MIN: '0',
  RATE_LIMIT_GLOBAL_PER_MIN: '6',
};

/**
 * Six requests by the admin and two users, and the limit of all callers is reached: every one of
 * them is refused next, whichever instance `at` picks; public routes still answer.
 */
async function exhaustGlobalLimit(at: (index: number) => TestLedger): Promise<void> {
  const admin = at(0).adminKey;
  const created = [];
  for (let index = 0; index < 2; index++) {
    const answer = await ledgerTraffic(at(index)).api.post('/api/v1/users', admin, {
      name: `G${index}`,
      role: 'customer',
    });
    expect(answer.status).toBe(201);
    created.push(answer.body as TestUser);
  }
  const me = (index: number, user: TestUser) => ledgerTraffic(at(index)).api.get('/api/v1/users/me', user.apiKey);
  const [ann, bob] = created;
  expect([(await me(0, ann)).status, (await me(1, bob)).status]).toEqual([200, 200]);
  expect([(await me(2, ann)).status, (await me(3, bob)).status]).toEqual([200, 200]);
  const refused = await me(4, bob);
  expect(refused.status).toBe(429);
  expect(refused.body).toEqual({
    error: 'rate_limit_exceeded',
    message: 'Too many requests. Please try again later.',
    retry_after: Number(refused.headers.get('retry-after')),
    requestId: expect.any(String),
  });
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect((await me(5, ann)).status).toBe(429);
  expect((await ledgerTraffic(at(6)).api.get('/api/v1/users/me', admin)).status).toBe(429);
  expect((await fetch(`${at(7).baseUrl}/health`)).status).toBe(200);
}

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

  it('enforces one limit per user across both', async () => {
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

describe('A global limit across all callers', () => {
  it('refuses every caller once all of them together reach it', async () => {
    const ledger = await startTestLedger(GLOBAL_ONLY);
    try {
      await exhaustGlobalLimit(() => ledger);
    } finally {
      await ledger.close();
    }
  });

  it('is one limit for two API instances sharing Redis', async () => {
    // A database of Redis of this run's own, and its global window cleared: runs a minute apart, or
    // side by side, must not count each other's requests.
    const database = 1 + randomInt(15);
    const redisUrl = `${(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '')}/${database}`;
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    if (
      !(await redis.connect().then(
        () => true,
        () => false,
      ))
    ) {
      console.log(`Skipping the shared global-limit test: no Redis answers at ${redisUrl} (set REDIS_URL).`);
      return;
    }
    await redis.del('ledger:rate:global');
    redis.disconnect();
    const first = await startTestLedger({ ...GLOBAL_ONLY, REDIS_URL: redisUrl });
    const second = await startTestLedger({ ...GLOBAL_ONLY, REDIS_URL: redisUrl }, first);
    try {
      await exhaustGlobalLimit((index) => (index % 2 === 0 ? first : second));
    } finally {
      await second.close();
      await first.close();
    }
  });
});
