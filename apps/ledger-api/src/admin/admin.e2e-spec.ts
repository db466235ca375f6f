import { apiClient, caughtUpHeaders, TestLedger, useTestLedger } from '../../../../test/ledger-app';

describe('Admin: streams and projections (over HTTP)', () => {
  let ledger: TestLedger;
  let api: ReturnType<typeof apiClient>;
  useTestLedger((started) => ((ledger = started), (api = apiClient(started.baseUrl))));

  it("replays an account's stream for admins only, paged by revision", async () => {
    const user = (await api.post('/api/v1/users', ledger.adminKey, { name: 'Jo', role: 'customer' })).body;
    const account = (await api.post('/api/v1/accounts', user.apiKey, { currency: 'EUR' })).body;
    const stream = await api.get(`/api/v1/admin/streams/account-${account.id}`, ledger.adminKey);
    expect(stream.status).toBe(200);
    expect(stream.body).toEqual({
      stream: `account-${account.id}`,
      events: [
        {
          id: expect.any(String),
          revision: 0,
          position: expect.stringMatching(/^\d+-\d+$/),
          type: 'AccountOpened',
          data: { accountId: account.id, userId: user.id, currency: 'EUR', openedAt: account.createdAt },
          metadata: expect.objectContaining({ userId: user.id }),
          createdAt: expect.any(String),
        },
      ],
    });
    const later = await api.get(`/api/v1/admin/streams/account-${account.id}?fromRevision=1`, ledger.adminKey);
    expect(later.body.events).toEqual([]);
    expect((await api.get(`/api/v1/admin/streams/account-${account.id}`, user.apiKey)).status).toBe(403);
    expect((await api.get('/api/v1/admin/streams/not%20a%20stream', ledger.adminKey)).status).toBe(400);
    expect((await api.get(`/api/v1/admin/streams/account-${account.id}?limit=0`, ledger.adminKey)).status).toBe(400);
  });

  it('lists every projection with its position and lag', async () => {
    const response = await api.get('/api/v1/admin/projections', ledger.adminKey, await caughtUpHeaders(ledger));
    expect(response.status).toBe(200);
    const names = response.body.map((projection: { name: string }) => projection.name).sort();
    expect(names).toEqual([
      'account-snapshots',
      'accounts',
      'bank-work',
      'journal',
      'payments',
      'public-events',
      'reconciliations',
      'transactions',
      'transfers',
      'users',
    ]);
    for (const projection of response.body) {
      expect(projection).toMatchObject({ position: expect.stringMatching(/^\d+-\d+$/), lag: 0, status: 'live' });
    }
  });
});
