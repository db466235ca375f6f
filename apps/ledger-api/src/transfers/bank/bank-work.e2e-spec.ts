import { BankSimulator, SubmittedTransfer } from '@ledger/bank-simulator';
import { eventually } from '../../../../../test/eventually';
import { startTestLedger, TestLedger } from '../../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../../test/ledger-traffic';

type Traffic = ReturnType<typeof ledgerTraffic>;
const SECRET = 'bank-work-test-webhook-secret';

describe('bank work: a transfer the bank refuses', () => {
  let bank: BankSimulator;
  let ledger: TestLedger;
  let api: Traffic['api'];
  let traffic: Traffic;
  let customer: TestUser;
  const refusedAccounts = new Set<string>();

  beforeAll(async () => {
    bank = new BankSimulator({
      webhookUrl: () => `${ledger.baseUrl}/webhooks/bank-callback`,
      webhookSecret: SECRET,
      successRate: 1,
      minDelayMs: 10,
      maxDelayMs: 50,
      refuses: (transfer: SubmittedTransfer) =>
        transfer.kind === 'withdrawal' && refusedAccounts.has(transfer.accountId),
    });
    const bankUrl = await bank.listen();
    ledger = await startTestLedger({ BANK_URL: bankUrl, BANK_WEBHOOK_SECRET: SECRET });
    traffic = ledgerTraffic(ledger);
    api = traffic.api;
    customer = await traffic.user('Pia', 'customer');
  });
  afterAll(async () => {
    await ledger.close();
    await bank.close();
  });

  const withdraw = async (accountId: string, amount: number) =>
    (await api.post('/api/v1/withdrawals', customer.apiKey, { accountId, amount }, traffic.keyed())).body.id as string;
  const statusOf = async (id: string) =>
    (await api.get(`/api/v1/withdrawals/${id}`, customer.apiKey)).body?.status as string | undefined;
  const reaches = (id: string, status: string) => eventually(async () => (await statusOf(id)) === status, 30_000);
  const balance = async (accountId: string) =>
    (await api.get(`/api/v1/accounts/${accountId}/balance`, customer.apiKey)).body;
  const admin = (path: string, key: string, body: unknown = {}) =>
    api.post(`/api/v1/admin/transfers/${path}`, ledger.adminKey, body, { 'Idempotency-Key': key });

  it('parks it with its hold kept while the others settle; a retry once the bank is fixed settles it, once', async () => {
    const good = await traffic.account(customer, 100);
    const bad = await traffic.account(customer, 100);
    refusedAccounts.add(bad);

    const refused = await withdraw(bad, 40);
    const others = await Promise.all(Array.from({ length: 5 }, () => withdraw(good, 10)));
    for (const id of others) await reaches(id, 'succeeded');
    await reaches(refused, 'parked');
    await eventually(async () => (await balance(bad)).held === 40);
    expect(await balance(bad)).toMatchObject({ ledger: 100, held: 40, available: 60 });
    expect(await balance(good)).toMatchObject({ ledger: 50, held: 0 });

    const parked = await api.get('/api/v1/admin/transfers?status=parked', ledger.adminKey);
    expect(parked.body.data).toEqual([
      expect.objectContaining({ id: refused, kind: 'withdrawal', status: 'parked', attempts: 1, nextAttemptAt: null }),
    ]);
    expect(parked.body.data[0].parkedReason).toContain('400');
    expect((await api.get('/api/v1/admin/transfers?status=parked', customer.apiKey)).status).toBe(403);

    refusedAccounts.delete(bad);
    const retried = await admin(`${refused}/retry`, 'retry-1', { reason: 'bank fixed' });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: refused, status: 'pending' });
    const again = await admin(`${refused}/retry`, 'retry-1', { reason: 'bank fixed' });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await reaches(refused, 'succeeded');
    await eventually(async () => (await balance(bad)).held === 0);
    expect(await balance(bad)).toMatchObject({ ledger: 60, held: 0, available: 60 });

    const stream = await api.get(`/api/v1/admin/streams/withdrawal-${refused}`, ledger.adminKey);
    const types = stream.body.events.map((event: { type: string }) => event.type);
    expect(types.filter((type: string) => type === 'TransferParked')).toHaveLength(1);
    expect(types.filter((type: string) => type === 'TransferRetryRequested')).toHaveLength(1);
    const retryEvent = stream.body.events.find((event: { type: string }) => event.type === 'TransferRetryRequested');
    expect(retryEvent.data).toMatchObject({ reason: 'bank fixed', requestedBy: expect.any(String) });
    expect((await admin(`${refused}/retry`, 'retry-2')).body.error).toBe('invalid_transfer_state');
  });

  it('cancels a parked withdrawal once, releasing its hold', async () => {
    const bad = await traffic.account(customer, 100);
    refusedAccounts.add(bad);
    const refused = await withdraw(bad, 30);
    await reaches(refused, 'parked');

    const cancelled = await admin(`${refused}/cancel`, 'cancel-1', { reason: 'account closed at the bank' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      id: refused,
      status: 'failed',
      failureReason: 'account closed at the bank',
    });
    const again = await admin(`${refused}/cancel`, 'cancel-1', { reason: 'account closed at the bank' });
    expect(again.body).toEqual(cancelled.body);
    await eventually(async () => (await balance(bad)).held === 0);
    expect(await balance(bad)).toMatchObject({ ledger: 100, held: 0, available: 100 });
    const late = await admin(`${refused}/cancel`, 'cancel-2', { reason: 'again' });
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('invalid_transfer_state');
    expect((await admin(`${refused}/cancel`, 'cancel-3', {})).status).toBe(400);
    expect((await admin('00000000-0000-4000-8000-000000000000/cancel', 'cancel-4', { reason: 'x' })).status).toBe(404);
  });
});

describe('bank work: many transfers at once', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
  });
  afterAll(() => ledger.close());

  it('sends every one of 2,000 deposits and withdrawals requested at once', async () => {
    const traffic = ledgerTraffic(ledger);
    const owners = await Promise.all(
      Array.from({ length: 20 }, (_, index) => traffic.user(`Many ${index}`, 'customer')),
    );
    const accounts = await Promise.all(owners.map((owner) => traffic.account(owner, 1_000)));
    const started = Date.now();
    // At once, through 200 connections (past the server's listen backlog, connections are refused).
    const statuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        for (let index = next++; index < 2_000; index = next++) {
          const owner = owners[index % owners.length];
          const accountId = accounts[index % accounts.length];
          const kind = index % 2 ? 'withdrawals' : 'deposits';
          const body = { accountId, amount: 1 };
          statuses.push((await traffic.api.post(`/api/v1/${kind}`, owner.apiKey, body, traffic.keyed())).status);
        }
      }),
    );
    expect(statuses.filter((status) => status === 202)).toHaveLength(2_000);
    const requested = Date.now();
    await eventually(async () => {
      const { rows } = await ledger.database.pool.query<{ waiting: string }>(
        `SELECT count(*) FILTER (WHERE status IN ('awaiting_dispatch', 'retrying')) AS waiting FROM bank_work`,
      );
      return rows[0].waiting === '0';
    }, 180_000);
    // Sent, or already settled by the bank's callback when the dispatcher came to record "sent"
    // (the domain records no "sent" after an outcome): either way the bank had it.
    const { rows } = await ledger.database.pool.query<{ sent: string }>(
      `SELECT count(DISTINCT stream_name) AS sent FROM es_events
        WHERE event_type IN ('TransferSentToBank', 'TransferSucceeded', 'TransferFailed')`,
    );
    expect(Number(rows[0].sent)).toBeGreaterThanOrEqual(2_020);
    console.log(
      `bank work: 2,000 transfers requested in ${requested - started} ms, all sent ${Date.now() - requested} ms later`,
    );
  }, 300_000);
});
