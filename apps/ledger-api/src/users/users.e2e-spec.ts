import { apiClient, TestLedger, useTestLedger } from '../../../../test/ledger-app';

describe('Users and API keys (over HTTP)', () => {
  let ledger: TestLedger;
  let api: ReturnType<typeof apiClient>;
  useTestLedger((started) => ((ledger = started), (api = apiClient(started.baseUrl))));

  const createUser = (name: string, role: string) => api.post('/api/v1/users', ledger.adminKey, { name, role });

  it('answers 401 unauthorized without a key or with an unknown one', async () => {
    for (const key of [undefined, 'lk_not-a-real-key']) {
      const response = await api.get('/api/v1/users/me', key);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ error: 'unauthorized', requestId: expect.any(String) });
    }
  });

  it('reads the Bearer scheme in any case (RFC 9110), and nothing else as a key', async () => {
    const me = (authorization: string) => api.get('/api/v1/users/me', undefined, { authorization });
    for (const scheme of ['bearer', 'BEARER', 'Bearer ']) {
      expect((await me(`${scheme} ${ledger.adminKey}`)).status).toBe(200);
    }
    for (const authorization of [`Basic ${ledger.adminKey}`, ledger.adminKey, `Bearer ${ledger.adminKey} x`]) {
      expect((await me(authorization)).status).toBe(401);
    }
  });

  it('lets an admin create a user whose key, shown once, works at once', async () => {
    const created = await createUser('Alice', 'customer');
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Alice',
      role: 'customer',
      apiKey: expect.stringMatching(/^lk_[A-Za-z0-9_-]{43}$/),
      createdAt: expect.any(String),
    });
    const position = created.headers.get('x-ledger-position')!;
    expect(position).toMatch(/^\d+-\d+$/);

    const me = await api.get('/api/v1/users/me', created.body.apiKey, { 'X-Min-Position': position });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: created.body.id,
      name: 'Alice',
      role: 'customer',
      createdAt: created.body.createdAt,
    });
  });

  it('answers 403 forbidden to a non-admin creating users', async () => {
    const merchant = await createUser('Shop', 'merchant');
    const response = await api.post('/api/v1/users', merchant.body.apiKey, { name: 'Mallory', role: 'admin' });
    expect(response.status).toBe(403);
    expect(response.body.error).toBe('forbidden');
  });

  it('shows a user to itself and to admins, and 404 to anyone else', async () => {
    const alice = await createUser('Alice', 'customer');
    const bob = await createUser('Bob', 'customer');
    const wait = { 'X-Min-Position': bob.headers.get('x-ledger-position')! };
    expect((await api.get(`/api/v1/users/${alice.body.id}`, alice.body.apiKey, wait)).status).toBe(200);
    expect((await api.get(`/api/v1/users/${alice.body.id}`, ledger.adminKey, wait)).status).toBe(200);
    const hidden = await api.get(`/api/v1/users/${alice.body.id}`, bob.body.apiKey, wait);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error).toBe('not_found');
  });

  it('shows a user to itself by its id in upper case (UUIDs are case-insensitive)', async () => {
    const alice = await createUser('Alice', 'customer');
    const wait = { 'X-Min-Position': alice.headers.get('x-ledger-position')! };
    const upper = alice.body.id.toUpperCase();
    const self = await api.get(`/api/v1/users/${upper}`, alice.body.apiKey, wait);
    expect(self.status).toBe(200);
    expect(self.body.id).toBe(alice.body.id);
  });

  it('rejects bad input naming each field, and unknown fields', async () => {
    const response = await api.post('/api/v1/users', ledger.adminKey, { name: '', role: 'owner', extra: 1 });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('validation_failed');
    expect(response.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
      'extra',
      'name',
      'role',
    ]);
  });

  it('answers 400 for an X-Min-Position that is not a position, and 503 projection_lagging for one never reached', async () => {
    const bad = await api.get('/api/v1/users/me', ledger.adminKey, { 'X-Min-Position': 'yesterday' });
    expect(bad.status).toBe(400);
    const far = await api.get('/api/v1/users/me', ledger.adminKey, { 'X-Min-Position': '999999999999-1' });
    expect(far.status).toBe(503);
    expect(far.body.error).toBe('projection_lagging');
  });

  it("answers an admin 404 for a user that does not exist, on the user's balance and transactions too", async () => {
    const nobody = '00000000-0000-4000-8000-000000000000';
    for (const path of [
      `/api/v1/users/${nobody}`,
      `/api/v1/users/${nobody}/balance`,
      `/api/v1/users/${nobody}/transactions`,
    ]) {
      const response = await api.get(path, ledger.adminKey);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ error: 'not_found', message: 'No such user.' });
    }
    const created = await api.post('/api/v1/users', ledger.adminKey, { name: 'Oona', role: 'customer' });
    // At once, before any projection has caught up: the user's own stream answers.
    expect((await api.get(`/api/v1/users/${created.body.id}/balance`, ledger.adminKey)).body).toEqual({
      userId: created.body.id,
      balances: [],
    });
    expect((await api.get(`/api/v1/users/${created.body.id}/transactions`, ledger.adminKey)).status).toBe(200);
  });
});
