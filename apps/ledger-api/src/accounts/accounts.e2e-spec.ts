import { apiClient, startTestLedger, TestLedger } from '../../../../test/ledger-app';

describe('Accounts (over HTTP)', () => {
  let ledger: TestLedger;
  let api: ReturnType<typeof apiClient>;
  let alice: { id: string; apiKey: string };
  let bob: { id: string; apiKey: string };

  beforeAll(async () => {
    ledger = await startTestLedger();
    api = apiClient(ledger.baseUrl);
    alice = (await api.post('/api/v1/users', ledger.adminKey, { name: 'Alice', role: 'customer' })).body;
    bob = (await api.post('/api/v1/users', ledger.adminKey, { name: 'Bob', role: 'customer' })).body;
  });
  afterAll(() => ledger.close());

  const open = (key: string, body: unknown) => api.post('/api/v1/accounts', key, body);

  it('opens an account for the caller, with zero balances', async () => {
    const response = await open(alice.apiKey, { currency: 'EUR' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      userId: alice.id,
      currency: 'EUR',
      status: 'open',
      balance: { available: 0, held: 0, ledger: 0 },
      createdAt: expect.any(String),
    });
    const wait = { 'X-Min-Position': response.headers.get('x-ledger-position')! };
    const fetched = await api.get(`/api/v1/accounts/${response.body.id}`, alice.apiKey, wait);
    expect(fetched.body).toEqual(response.body);
    const balance = await api.get(`/api/v1/accounts/${response.body.id}/balance`, alice.apiKey, wait);
    expect(balance.body).toMatchObject({
      accountId: response.body.id,
      currency: 'EUR',
      available: 0,
      held: 0,
      ledger: 0,
    });
  });

  it.each([['eur'], ['XXX'], [''], [42]])('rejects currency %p naming the field', async (currency) => {
    const response = await open(alice.apiKey, { currency });
    expect(response.status).toBe(400);
    expect(response.body.details[0].field).toBe('currency');
  });

  it("answers 404 for someone else's account and 403 for opening one for another user", async () => {
    const mine = await open(alice.apiKey, { currency: 'USD' });
    const wait = { 'X-Min-Position': mine.headers.get('x-ledger-position')! };
    expect((await api.get(`/api/v1/accounts/${mine.body.id}`, bob.apiKey, wait)).status).toBe(404);
    expect((await api.get(`/api/v1/accounts/${mine.body.id}/balance`, bob.apiKey, wait)).status).toBe(404);
    expect((await api.get(`/api/v1/accounts/${mine.body.id}`, ledger.adminKey, wait)).status).toBe(200);
    expect((await open(bob.apiKey, { currency: 'EUR', userId: alice.id })).status).toBe(403);
    expect((await open(ledger.adminKey, { currency: 'EUR', userId: bob.id })).status).toBe(201);
  });

  it('takes ids in any case: an admin opening for an upper-case userId, an owner reading an upper-case path', async () => {
    const opened = await open(ledger.adminKey, { currency: 'GBP', userId: alice.id.toUpperCase() });
    expect(opened.status).toBe(201);
    expect(opened.body.userId).toBe(alice.id);
    const wait = { 'X-Min-Position': opened.headers.get('x-ledger-position')! };
    const own = await api.get(`/api/v1/users/${alice.id.toUpperCase()}/balance`, alice.apiKey, wait);
    expect(own.status).toBe(200);
    expect(own.body.userId).toBe(alice.id);
    const account = await api.get(`/api/v1/accounts/${opened.body.id.toUpperCase()}`, alice.apiKey, wait);
    expect(account.body).toEqual(opened.body);
  });

  it('refuses unknown fields whatever their name, constructor and __proto__ included', async () => {
    for (const raw of [
      '{"currency":"EUR","constructor":1}',
      '{"currency":"EUR","__proto__":{}}',
      '{"currency":"EUR","toString":"x"}',
    ]) {
      const body = JSON.parse(raw) as Record<string, unknown>;
      const response = await open(alice.apiKey, body);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('validation_failed');
      expect(response.body.details).toEqual([expect.objectContaining({ field: Object.keys(body)[1] })]);
    }
    const listed = await api.get('/api/v1/accounts?toString=1', alice.apiKey);
    expect(listed.status).toBe(400);
  });

  it('lists own accounts newest first with keyset pagination that neither repeats nor skips', async () => {
    const carol = (await api.post('/api/v1/users', ledger.adminKey, { name: 'Carol', role: 'customer' })).body;
    const opened: string[] = [];
    let position = '';
    for (const currency of ['EUR', 'USD', 'GBP', 'JPY', 'CHF']) {
      const response = await open(carol.apiKey, { currency });
      opened.unshift(response.body.id);
      position = response.headers.get('x-ledger-position')!;
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.get(`/api/v1/accounts?limit=2${cursor ? `&cursor=${cursor}` : ''}`, carol.apiKey, {
        'X-Min-Position': position,
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((account: { id: string }) => account.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(opened);

    const balances = await api.get(`/api/v1/users/${carol.id}/balance`, carol.apiKey);
    expect(balances.body.balances).toHaveLength(5);
    expect((await api.get(`/api/v1/users/${carol.id}/balance`, alice.apiKey)).status).toBe(404);
    expect((await api.get('/api/v1/accounts?cursor=not-a-cursor', carol.apiKey)).status).toBe(400);
    expect((await api.get('/api/v1/accounts?limit=101', carol.apiKey)).status).toBe(400);
  });
});
