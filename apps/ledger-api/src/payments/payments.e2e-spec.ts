import { setTimeout as delay } from 'node:timers/promises';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../test/ledger-traffic';

type Traffic = ReturnType<typeof ledgerTraffic>;

describe('Payments (over HTTP)', () => {
  let ledger: TestLedger;
  let api: Traffic['api'];
  let keyed: Traffic['keyed'];
  let account: Traffic['account'];
  let customer: TestUser;
  let merchant: TestUser;
  let stranger: TestUser;

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
    const traffic = ledgerTraffic(ledger);
    ({ api, keyed, account } = traffic);
    const { user } = traffic;
    customer = await user('Hana', 'customer');
    merchant = await user('Market', 'merchant');
    stranger = await user('Ivan', 'customer');
  });
  afterAll(() => ledger.close());

  const caughtUp = () => caughtUpHeaders(ledger);

  async function balance(accountId: string) {
    const response = await api.get(`/api/v1/accounts/${accountId}/balance`, ledger.adminKey, await caughtUp());
    return response.body as { available: number; held: number; ledger: number };
  }

  /** Every movement's postings, and so the whole journal, sum to zero per currency. */
  async function expectJournalBalanced() {
    expect((await api.get('/api/v1/users/me', ledger.adminKey, await caughtUp())).status).toBe(200);
    const { rows: totals } = await ledger.database.pool.query(
      'SELECT currency, sum(amount)::text AS total, count(*) AS postings FROM rm_journal GROUP BY currency',
    );
    expect(totals.length).toBeGreaterThan(0);
    for (const row of totals) expect(row.total).toBe('0');
    const { rows: unbalanced } = await ledger.database.pool.query(
      'SELECT movement_id FROM rm_journal GROUP BY movement_id, currency HAVING sum(amount) <> 0',
    );
    expect(unbalanced).toEqual([]);
  }

  const pay = (key: string, body: Record<string, unknown>) => api.post('/api/v1/payments', key, body, keyed());

  it('lets exactly 50 of 100 concurrent automatic payments of 10 from 500 through', async () => {
    const payer = await account(customer, 500);
    const payee = await account(merchant);
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        pay(customer.apiKey, { payerAccountId: payer, payeeAccountId: payee, amount: 10 }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(50);
    expect(statuses.filter((status) => status === 422)).toHaveLength(50);
    expect(
      responses.filter((response) => response.status === 422).every((r) => r.body.error === 'insufficient_funds'),
    ).toBe(true);
    expect(responses.find((response) => response.status === 201)!.body).toMatchObject({
      status: 'captured',
      capturedAmount: 10,
    });
    expect(await balance(payer)).toMatchObject({ ledger: 0, held: 0, available: 0 });
    expect(await balance(payee)).toMatchObject({ ledger: 500, held: 0, available: 500 });
    await expectJournalBalanced();
  });

  it('captures an authorization once out of 10 concurrent captures', async () => {
    const payer = await account(customer, 100);
    const payee = await account(merchant);
    const payment = await pay(customer.apiKey, {
      payerAccountId: payer,
      payeeAccountId: payee,
      amount: 100,
      captureMethod: 'manual',
    });
    expect(payment.body).toMatchObject({ status: 'authorized', captureExpiresAt: expect.any(String) });
    const captures = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.post(`/api/v1/payments/${payment.body.id}/capture`, merchant.apiKey, {}, keyed()),
      ),
    );
    expect(captures.filter((response) => response.status === 200)).toHaveLength(1);
    const refused = captures.filter((response) => response.status !== 200);
    expect(
      refused.every((response) => response.status === 409 && response.body.error === 'invalid_payment_state'),
    ).toBe(true);
    expect(await balance(payee)).toMatchObject({ ledger: 100 });
  });

  it('releases the rest of the hold on a partial capture, and the whole hold on void', async () => {
    const payer = await account(customer, 100);
    const payee = await account(merchant);
    const partial = await pay(customer.apiKey, {
      payerAccountId: payer,
      payeeAccountId: payee,
      amount: 60,
      captureMethod: 'manual',
    });
    const voided = await pay(customer.apiKey, {
      payerAccountId: payer,
      payeeAccountId: payee,
      amount: 40,
      captureMethod: 'manual',
    });
    expect(await balance(payer)).toMatchObject({ ledger: 100, held: 100, available: 0 });

    const captured = await api.post(
      `/api/v1/payments/${partial.body.id}/capture`,
      merchant.apiKey,
      { amount: 25 },
      keyed(),
    );
    expect(captured.body).toMatchObject({ status: 'captured', authorizedAmount: 60, capturedAmount: 25 });
    expect(await balance(payer)).toMatchObject({ ledger: 75, held: 40, available: 35 });

    const voidedAnswer = await api.post(`/api/v1/payments/${voided.body.id}/void`, customer.apiKey, {}, keyed());
    expect(voidedAnswer.body.status).toBe('voided');
    expect(await balance(payer)).toMatchObject({ ledger: 75, held: 0, available: 75 });
    expect(await balance(payee)).toMatchObject({ ledger: 25 });
    const again = await api.post(`/api/v1/payments/${voided.body.id}/void`, customer.apiKey, {}, keyed());
    expect(again.status).toBe(409);
  });

  it('expires an uncaptured authorization within 5 s with no request, and refuses a late capture', async () => {
    const payer = await account(customer, 100);
    const payee = await account(merchant);
    const payment = await pay(customer.apiKey, {
      payerAccountId: payer,
      payeeAccountId: payee,
      amount: 70,
      captureMethod: 'manual',
      captureWindowSeconds: 1,
    });
    const deadline = Date.parse(payment.body.captureExpiresAt) + 5_000;
    let status = payment.body.status;
    while (status !== 'expired' && Date.now() < deadline) {
      await delay(100);
      status = (await api.get(`/api/v1/payments/${payment.body.id}`, customer.apiKey)).body.status;
    }
    expect(status).toBe('expired');
    expect(await balance(payer)).toMatchObject({ ledger: 100, held: 0, available: 100 });
    const late = await api.post(`/api/v1/payments/${payment.body.id}/capture`, merchant.apiKey, {}, keyed());
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('capture_window_expired');
  });

  it('refunds in parts up to the captured amount, and refuses one the merchant cannot fund', async () => {
    const payer = await account(customer, 300);
    const payee = await account(merchant);
    const payment = await pay(customer.apiKey, { payerAccountId: payer, payeeAccountId: payee, amount: 300 });
    const refund = (amount: number) =>
      api.post(`/api/v1/payments/${payment.body.id}/refunds`, merchant.apiKey, { amount, reason: 'returned' }, keyed());
    expect((await refund(100)).body).toMatchObject({ paymentId: payment.body.id, amount: 100, status: 'succeeded' });
    await refund(100);
    const last = await refund(100);
    expect(last.status).toBe(201);
    const after = await api.get(`/api/v1/payments/${payment.body.id}`, customer.apiKey, {
      'X-Min-Position': last.headers.get('x-ledger-position')!,
    });
    expect(after.body).toMatchObject({ status: 'refunded', refundedAmount: 300 });
    const extra = await refund(1);
    expect(extra.status).toBe(422);
    expect(extra.body.error).toBe('amount_exceeds_refundable');
    expect(await balance(payer)).toMatchObject({ ledger: 300 });

    // The merchant pays its takings onwards, then cannot fund a refund: nothing moves.
    const second = await pay(customer.apiKey, { payerAccountId: payer, payeeAccountId: payee, amount: 50 });
    const elsewhere = await account(stranger);
    expect((await pay(merchant.apiKey, { payerAccountId: payee, payeeAccountId: elsewhere, amount: 50 })).status).toBe(
      201,
    );
    const unfunded = await api.post(
      `/api/v1/payments/${second.body.id}/refunds`,
      merchant.apiKey,
      { amount: 50 },
      keyed(),
    );
    expect(unfunded.status).toBe(422);
    expect(unfunded.body.error).toBe('insufficient_funds');
    expect(await balance(payer)).toMatchObject({ ledger: 250 });
    expect(await balance(payee)).toMatchObject({ ledger: 0 });
    await expectJournalBalanced();
  });

  it('answers 404 to anyone but the parties, and to a payer trying to capture', async () => {
    const payer = await account(customer, 50);
    const payee = await account(merchant);
    const payment = await pay(customer.apiKey, {
      payerAccountId: payer,
      payeeAccountId: payee,
      amount: 50,
      captureMethod: 'manual',
    });
    const wait = { 'X-Min-Position': payment.headers.get('x-ledger-position')! };
    expect((await api.get(`/api/v1/payments/${payment.body.id}`, stranger.apiKey, wait)).status).toBe(404);
    expect((await api.get(`/api/v1/payments/${payment.body.id}`, merchant.apiKey, wait)).status).toBe(200);
    expect((await api.post(`/api/v1/payments/${payment.body.id}/capture`, stranger.apiKey, {}, keyed())).status).toBe(
      404,
    );
    expect((await api.post(`/api/v1/payments/${payment.body.id}/capture`, customer.apiKey, {}, keyed())).status).toBe(
      404,
    );
    expect((await pay(stranger.apiKey, { payerAccountId: payer, payeeAccountId: payee, amount: 1 })).status).toBe(404);
    expect((await pay(customer.apiKey, { payerAccountId: payer, payeeAccountId: payer, amount: 1 })).status).toBe(400);
    const listed = await api.get(`/api/v1/payments?accountId=${payer}&status=authorized`, customer.apiKey, wait);
    expect(listed.body.data.map((row: { id: string }) => row.id)).toEqual([payment.body.id]);
  });

  it('takes account and payment ids in capitals as the same ids (UUIDs are case-insensitive)', async () => {
    const payer = await account(customer, 30);
    const payee = await account(merchant);
    const payment = await pay(customer.apiKey, {
      payerAccountId: payer.toUpperCase(),
      payeeAccountId: payee.toUpperCase(),
      amount: 30,
      captureMethod: 'manual',
    });
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ payerAccountId: payer, payeeAccountId: payee });
    const capture = `/api/v1/payments/${payment.body.id.toUpperCase()}/capture`;
    expect((await api.post(capture, merchant.apiKey, {}, keyed())).status).toBe(200);
    expect(await balance(payee)).toMatchObject({ ledger: 30 });
    const listed = await api.get(
      `/api/v1/payments?accountId=${payer.toUpperCase()}`,
      customer.apiKey,
      await caughtUp(),
    );
    expect(listed.body.data.map((row: { id: string }) => row.id)).toEqual([payment.body.id]);
  });
});
