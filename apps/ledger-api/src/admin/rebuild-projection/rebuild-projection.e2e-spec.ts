import { CONSUMER_MIGRATIONS, ConsumerRunner } from '@ledger/consumers';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { createTestDatabase } from '../../../../../test/database';
import { eventually } from '../../../../../test/eventually';
import { caughtUpHeaders, TestLedger, useTestLedger } from '../../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic } from '../../../../../test/ledger-traffic';
import { projectFromScratch, tableRows } from '../../../../../test/read-model-tables';
import { API_MIGRATIONS } from '../../infrastructure/migrate';

describe('Rebuilding read models without downtime (over HTTP)', () => {
  let ledger: TestLedger;
  let traffic: ReturnType<typeof ledgerTraffic>;
  useTestLedger((started) => ((ledger = started), (traffic = ledgerTraffic(started))), FAST_BANK_ENV);

  const rebuildOf = (name: string) => traffic.api.get(`/api/v1/admin/projections/${name}/rebuild`, ledger.adminKey);

  it('rebuilds every projection during a write burst; every query answers; the result equals a rebuild from scratch', async () => {
    const { api, user, account, pay, paymentAction } = traffic;
    const customer = await user('Rae', 'customer');
    const merchant = await user('Shop', 'merchant');
    const payers = await Promise.all([1, 2, 3].map(() => account(customer, 100_000)));
    const payee = await account(merchant);
    const manual = await pay(customer, {
      payerAccountId: payers[0],
      payeeAccountId: payee,
      amount: 500,
      captureMethod: 'manual',
    });
    await paymentAction(merchant, manual.body.id, 'capture', { amount: 300 });
    await paymentAction(merchant, manual.body.id, 'refunds', { amount: 100 });
    // The queries below read what was just written: on a busy machine the read models can still
    // be behind it (a 404 before any rebuild began, seen in a full run), which is no rebuild's doing.
    expect((await api.get('/api/v1/users/me', ledger.adminKey, await caughtUpHeaders(ledger))).status).toBe(200);

    let stop = false;
    // Each answer with what was asked, so that a failure names the request.
    const answered: { request: string; during: string; status: number; body: unknown }[] = [];
    let rebuilding = 'no rebuild';
    const writes = Promise.all(
      payers.map(async (payer) => {
        while (!stop) {
          const paid = await pay(customer, { payerAccountId: payer, payeeAccountId: payee, amount: 1 });
          answered.push({ request: `pay from ${payer}`, during: rebuilding, status: paid.status, body: paid.body });
        }
      }),
    );
    const queries = (async () => {
      while (!stop) {
        const requests = [
          [`/api/v1/accounts/${payers[0]}/balance`, customer.apiKey],
          [`/api/v1/accounts/${payee}/transactions`, merchant.apiKey],
          [`/api/v1/payments?accountId=${payee}`, merchant.apiKey],
          [`/api/v1/payments/${manual.body.id}`, merchant.apiKey],
          ['/api/v1/users/me', customer.apiKey],
        ];
        const answers = await Promise.all(requests.map(([path, key]) => api.get(path, key)));
        answers.forEach(({ status, body }, index) =>
          answered.push({ request: requests[index][0], during: rebuilding, status, body }),
        );
      }
    })();

    const indexes = async () =>
      (
        await ledger.database.pool.query(
          `SELECT tablename, indexname, regexp_replace(indexdef, ' ON \\S+ ', ' ON ') AS definition
             FROM pg_indexes WHERE schemaname = current_schema() ORDER BY tablename, indexname`,
        )
      ).rows;
    const indexesBefore = await indexes();
    const names = [
      'accounts',
      'payments',
      'transfers',
      'transactions',
      'journal',
      'users',
      'account-snapshots',
      'public-events',
    ];
    try {
      for (const name of names) {
        rebuilding = name;
        const started = await api.post(`/api/v1/admin/projections/${name}/rebuild`, ledger.adminKey);
        expect(started.status).toBe(202);
        expect(started.body).toEqual({ rebuildId: expect.any(String), status: 'running' });
        await eventually(async () => (await rebuildOf(name)).body.status !== 'running');
        const finished = (await rebuildOf(name)).body;
        expect(finished).toMatchObject({
          rebuildId: started.body.rebuildId,
          status: 'done',
          processed: expect.any(Number),
          total: expect.any(Number),
          rate: expect.any(Number),
          startedAt: expect.any(String),
          finishedAt: expect.any(String),
        });
        expect(finished.processed).toBeGreaterThan(0);
        // Live and rebuilt tables were compared at the same position: a healthy read model has no differences.
        const differences = finished.differences as Record<string, number>;
        expect({ name, differences }).toEqual({
          name,
          differences: Object.fromEntries(Object.keys(differences).map((table) => [table, 0])),
        });
      }
    } finally {
      stop = true;
      await Promise.all([writes, queries]);
    }
    // The rebuilt tables carry the same indexes under the same names, so later migrations find them.
    expect(await indexes()).toEqual(indexesBefore);
    // Each table has one writer, so a projection is rebuilt alone.
    expect((await rebuildOf('transactions')).body.projections).toEqual(['transactions']);
    expect(answered.length).toBeGreaterThan(50);
    expect(answered.filter(({ status }) => status !== 200 && status !== 201)).toEqual([]);

    await api.get('/api/v1/users/me', ledger.adminKey, await caughtUpHeaders(ledger));
    const listed = await api.get('/api/v1/admin/projections', ledger.adminKey);
    expect(listed.body.every((projection: { status: string }) => projection.status === 'live')).toBe(true);

    const runner = ledger.app.get(ConsumerRunner);
    const scratch = await createTestDatabase([CONSUMER_MIGRATIONS, API_MIGRATIONS], 4);
    try {
      await projectFromScratch(ledger.app.get<EventStore>(EVENT_STORE), runner.projections(), scratch.pool);
      const tables = [...new Set(runner.projections().flatMap((projection) => projection.tables ?? []))];
      expect(tables.length).toBeGreaterThanOrEqual(10);
      for (const table of tables) {
        const [live, fromScratch] = await Promise.all([
          tableRows(ledger.database.pool, table),
          tableRows(scratch.pool, table),
        ]);
        expect({ table, rows: live }).toEqual({ table, rows: fromScratch });
      }
    } finally {
      await scratch.drop();
    }
  });

  it('refuses a second rebuild of the same projections while one runs, and names only known projections', async () => {
    const { api } = traffic;
    expect((await api.post('/api/v1/admin/projections/no-such/rebuild', ledger.adminKey)).status).toBe(404);
    expect((await api.get('/api/v1/admin/projections/no-such/rebuild', ledger.adminKey)).status).toBe(404);
    const customer = await traffic.user('Lee', 'customer');
    expect((await api.post('/api/v1/admin/projections/accounts/rebuild', customer.apiKey)).status).toBe(403);
    const [first, second] = await Promise.all([
      api.post('/api/v1/admin/projections/transactions/rebuild', ledger.adminKey),
      api.post('/api/v1/admin/projections/transactions/rebuild', ledger.adminKey),
    ]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);
    expect([first, second].find((answer) => answer.status === 409)?.body.error).toBe('rebuild_in_progress');
    await eventually(async () => (await rebuildOf('transactions')).body.status === 'done');
  });
});
