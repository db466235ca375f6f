import { Client } from 'pg';
import { LIVENESS_LOCK_NAMESPACE } from '../infrastructure/instance-liveness';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../test/ledger-traffic';

type Traffic = ReturnType<typeof ledgerTraffic>;

/**
 * A request whose process died after its command ran, before its answer was stored: its
 * Idempotency-Key record stays `running`, owned by a process that is gone. The client's retry
 * must be served at once with the answer the first attempt gave, and nothing runs twice.
 */
describe('a retry after the process running the request died', () => {
  let ledger: TestLedger;
  let api: Traffic['api'];
  let account: Traffic['account'];
  let customer: TestUser;
  let merchant: TestUser;

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
    const traffic = ledgerTraffic(ledger);
    ({ api, account } = traffic);
    customer = await traffic.user('Cleo', 'customer');
    merchant = await traffic.user('Mart', 'merchant');
  });
  afterAll(() => ledger.close());

  /** What a SIGKILL leaves: the claim still `running`, its owner's liveness lock free. */
  async function abandon(key: string, ownerKey = 2 ** 31 - 1): Promise<void> {
    const { rowCount } = await ledger.database.pool.query(
      `UPDATE idempotency_keys SET state = 'running', status_code = NULL, body = NULL, body_text = NULL, headers = NULL, owner = $2
        WHERE key = $1`,
      [key, ownerKey],
    );
    expect(rowCount).toBe(1);
  }

  const post = (path: string, owner: TestUser, key: string, body: unknown = {}) =>
    api.post(path, owner.apiKey, body, { 'Idempotency-Key': key });

  async function eventCount(): Promise<number> {
    const { rows } = await ledger.database.pool.query<{ count: string }>('SELECT count(*) FROM es_events');
    return Number(rows[0].count);
  }

  async function expectSameAnswerOnRetry(path: string, owner: TestUser, key: string, body: unknown = {}) {
    const first = await post(path, owner, key, body);
    expect(first.status).toBeLessThan(300);
    return {
      first,
      /** After `between` moved the resource on, the retry of the abandoned request answers as the first did. */
      retryAfter: async (between: () => Promise<unknown> = async () => undefined) => {
        await between();
        await abandon(key);
        const events = await eventCount();
        const retry = await post(path, owner, key, body);
        expect(retry.status).toBe(first.status);
        expect(retry.body).toEqual(first.body);
        expect(retry.headers.get('idempotent-replayed')).toBeNull();
        expect(retry.headers.get('x-ledger-position')).toBeTruthy();
        expect(await eventCount()).toBe(events);
        // And once answered, the answer is stored again and replayed.
        const replay = await post(path, owner, key, body);
        expect(replay.headers.get('idempotent-replayed')).toBe('true');
        expect(replay.body).toEqual(first.body);
        return retry;
      },
    };
  }

  async function manualPayment(amount: number) {
    const payer = await account(customer, amount);
    const payee = await account(merchant);
    const key = `pay-${payer}`;
    const body = { payerAccountId: payer, payeeAccountId: payee, amount, captureMethod: 'manual' };
    return { payer, payee, key, body, payment: (await post('/api/v1/payments', customer, key, body)).body };
  }

  it('answers a capture with the payment as captured, even after refunds changed it', async () => {
    const { payment } = await manualPayment(300);
    const capture = await expectSameAnswerOnRetry(`/api/v1/payments/${payment.id}/capture`, merchant, 'cap-1', {
      amount: 200,
    });
    expect(capture.first.body).toMatchObject({ status: 'captured', capturedAmount: 200 });
    await capture.retryAfter(() => post(`/api/v1/payments/${payment.id}/refunds`, merchant, 'ref-after-cap', {}));
  });

  it('answers a void with the payment voided', async () => {
    const { payment } = await manualPayment(50);
    const voided = await expectSameAnswerOnRetry(`/api/v1/payments/${payment.id}/void`, customer, 'void-1');
    expect(voided.first.body).toMatchObject({ status: 'voided' });
    await voided.retryAfter();
  });

  it('answers a refund with that refund, when later refunds took the rest', async () => {
    const { payment } = await manualPayment(300);
    await post(`/api/v1/payments/${payment.id}/capture`, merchant, 'cap-2');
    const refund = await expectSameAnswerOnRetry(`/api/v1/payments/${payment.id}/refunds`, merchant, 'ref-1', {
      amount: 100,
    });
    expect(refund.first.status).toBe(201);
    await refund.retryAfter(() =>
      post(`/api/v1/payments/${payment.id}/refunds`, merchant, 'ref-2', { amount: 200 }).then((response) =>
        expect(response.status).toBe(201),
      ),
    );
  });

  it('answers a partial refund once while more is left to refund', async () => {
    const { payment } = await manualPayment(300);
    await post(`/api/v1/payments/${payment.id}/capture`, merchant, 'cap-3');
    const refund = await expectSameAnswerOnRetry(`/api/v1/payments/${payment.id}/refunds`, merchant, 'ref-4', {
      amount: 100,
    });
    await refund.retryAfter();
    const state = await api.get(`/api/v1/payments/${payment.id}`, merchant.apiKey, await caughtUpHeaders(ledger));
    expect(state.body).toMatchObject({ refundedAmount: 100, status: 'partially_refunded' });
  });

  it('answers a payment with its authorization, after it was captured', async () => {
    const payer = await account(customer, 40);
    const payee = await account(merchant);
    const body = { payerAccountId: payer, payeeAccountId: payee, amount: 40, captureMethod: 'manual' };
    const created = await expectSameAnswerOnRetry('/api/v1/payments', customer, 'pay-retry', body);
    expect(created.first.body.status).toBe('authorized');
    await created.retryAfter(() => post(`/api/v1/payments/${created.first.body.id}/capture`, merchant, 'cap-4'));
  });

  it('answers a withdrawal with it pending, after the bank settled it', async () => {
    const accountId = await account(customer, 80);
    const withdrawal = await expectSameAnswerOnRetry('/api/v1/withdrawals', customer, 'wd-1', {
      accountId,
      amount: 30,
    });
    expect(withdrawal.first.body.status).toBe('pending');
    await withdrawal.retryAfter(async () => {
      for (let attempt = 0; attempt < 400; attempt++) {
        const status = (await api.get(`/api/v1/withdrawals/${withdrawal.first.body.id}`, customer.apiKey)).body?.status;
        if (status === 'succeeded') return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('withdrawal not settled');
    });
    // The balance's read model may trail the withdrawal's: read it once it has every event.
    const balance = await api.get(
      `/api/v1/accounts/${accountId}/balance`,
      customer.apiKey,
      await caughtUpHeaders(ledger),
    );
    expect(balance.body).toMatchObject({ ledger: 50 });
  });

  it('answers an account opening with the account as opened', async () => {
    const opened = await expectSameAnswerOnRetry('/api/v1/accounts', customer, 'acct-1', { currency: 'GBP' });
    await opened.retryAfter();
  });

  it('answers a user creation with the user and a new key that works, in place of the unseen one', async () => {
    const body = { name: 'Retried', role: 'customer' };
    const first = await api.post('/api/v1/users', ledger.adminKey, body, { 'Idempotency-Key': 'user-1' });
    expect(first.status).toBe(201);
    await abandon('user-1');
    const retry = await api.post('/api/v1/users', ledger.adminKey, body, { 'Idempotency-Key': 'user-1' });
    expect(retry.status).toBe(201);
    const { apiKey, ...user } = retry.body;
    expect(user).toEqual({ ...first.body, apiKey: undefined });
    expect(apiKey).not.toBe(first.body.apiKey);
    expect((await api.get('/api/v1/users/me', apiKey)).body.id).toBe(first.body.id);
  });

  it('still refuses a retry while the process running the request lives', async () => {
    const holder = new Client({ connectionString: ledger.database.url });
    await holder.connect();
    try {
      const liveOwner = 123_456_789;
      await holder.query('SELECT pg_advisory_lock($1, $2)', [LIVENESS_LOCK_NAMESPACE, liveOwner]);
      const accountId = await account(customer);
      await post('/api/v1/deposits', customer, 'dep-live', { accountId, amount: 5 });
      await abandon('dep-live', liveOwner);
      const retry = await post('/api/v1/deposits', customer, 'dep-live', { accountId, amount: 5 });
      expect(retry.status).toBe(409);
      expect(retry.body.error).toBe('idempotency_key_in_use');
      await holder.query('SELECT pg_advisory_unlock_all()');
      expect((await post('/api/v1/deposits', customer, 'dep-live', { accountId, amount: 5 })).status).toBe(202);
    } finally {
      await holder.end();
    }
  });
});

describe('the idempotency record of a new user', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  it('keeps no API key in plain text, and its replay answers the user without one', async () => {
    const { api } = ledgerTraffic(ledger);
    const headers = { 'Idempotency-Key': 'new-user' };
    const first = await api.post('/api/v1/users', ledger.adminKey, { name: 'Once', role: 'merchant' }, headers);
    expect(first.status).toBe(201);
    const { rows } = await ledger.database.pool.query(
      `SELECT body_text AS body FROM idempotency_keys WHERE key = 'new-user'`,
    );
    expect(rows[0].body).not.toContain(first.body.apiKey);
    const replay = await api.post('/api/v1/users', ledger.adminKey, { name: 'Once', role: 'merchant' }, headers);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const { apiKey, ...user } = first.body;
    expect(apiKey).toBeTruthy();
    expect(replay.body).toEqual(user);
  });
});
