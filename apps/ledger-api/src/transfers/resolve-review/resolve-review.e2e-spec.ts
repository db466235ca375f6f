import { randomUUID } from 'node:crypto';
import { signWebhook } from '@ledger/bank-protocol';
import { eventually } from '../../../../../test/eventually';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../../test/ledger-traffic';

type Traffic = ReturnType<typeof ledgerTraffic>;

describe('resolving a review of a callback that contradicts the transfer', () => {
  let ledger: TestLedger;
  let traffic: Traffic;
  let customer: TestUser;

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
    traffic = ledgerTraffic(ledger);
    customer = await traffic.user('Rev', 'customer');
  });
  afterAll(() => ledger.close());

  /** A late callback from the bank saying the opposite of what the ledger settled. */
  async function contradict(transferId: string, type: 'succeeded' | 'failed'): Promise<string> {
    const body = JSON.stringify({ eventId: randomUUID(), transferId, type, occurredAt: new Date().toISOString() });
    const response = await fetch(`${ledger.baseUrl}/webhooks/bank-callback`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-bank-signature': signWebhook(FAST_BANK_ENV.BANK_WEBHOOK_SECRET, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
    expect(((await response.json()) as { outcome: string }).outcome).toBe('MANUAL_REVIEW');
    return eventually(async () => {
      const open = await traffic.api.get(
        '/api/v1/admin/reviews?status=open',
        ledger.adminKey,
        await caughtUpHeaders(ledger),
      );
      return open.body.data.find((review: { transferId: string }) => review.transferId === transferId)?.id as string;
    });
  }

  const resolve = (reviewId: string, key: string, body: unknown) =>
    traffic.api.post(`/api/v1/admin/reviews/${reviewId}/resolve`, ledger.adminKey, body, { 'Idempotency-Key': key });
  const balance = async (accountId: string) =>
    (await traffic.api.get(`/api/v1/accounts/${accountId}/balance`, ledger.adminKey, await caughtUpHeaders(ledger)))
      .body;
  const deposit = async (accountId: string) => {
    const id = (
      await traffic.api.post('/api/v1/deposits', customer.apiKey, { accountId, amount: 100 }, traffic.keyed())
    ).body.id as string;
    await eventually(
      async () => (await traffic.api.get(`/api/v1/deposits/${id}`, customer.apiKey)).body.status === 'succeeded',
    );
    return id;
  };

  it('accepts the bank’s word: the deposit fails after all and its credit is taken back, once', async () => {
    const accountId = await traffic.account(customer, 50);
    const depositId = await deposit(accountId);
    const reviewId = await contradict(depositId, 'failed');

    const resolved = await resolve(reviewId, 'resolve-1', {
      decision: 'accept_bank',
      note: 'bank statement shows a return',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      id: reviewId,
      transferId: depositId,
      status: 'resolved',
      decision: 'accept_bank',
      note: 'bank statement shows a return',
    });
    expect(resolved.body.resolvedAt).toEqual(expect.any(String));
    expect(resolved.body.resolvedBy).toEqual(expect.any(String));
    const replay = await resolve(reviewId, 'resolve-1', {
      decision: 'accept_bank',
      note: 'bank statement shows a return',
    });
    expect(replay.body).toEqual(resolved.body);
    const twice = await resolve(reviewId, 'resolve-2', { decision: 'keep_ledger', note: 'again' });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toBe('review_not_open');

    expect(await balance(accountId)).toMatchObject({ ledger: 50, held: 0, available: 50 });
    const transfer = await traffic.api.get(
      `/api/v1/deposits/${depositId}`,
      customer.apiKey,
      await caughtUpHeaders(ledger),
    );
    expect(transfer.body).toMatchObject({ status: 'failed' });
    const listed = await traffic.api.get('/api/v1/admin/reviews?status=resolved', ledger.adminKey);
    expect(listed.body.data.map((review: { id: string }) => review.id)).toContain(reviewId);
  });

  it('keeps the ledger’s outcome, moving no money', async () => {
    const accountId = await traffic.account(customer, 50);
    const depositId = await deposit(accountId);
    const reviewId = await contradict(depositId, 'failed');
    const resolved = await resolve(reviewId, 'resolve-3', {
      decision: 'keep_ledger',
      note: 'the bank confirmed by phone',
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', decision: 'keep_ledger' });
    expect(await balance(accountId)).toMatchObject({ ledger: 150 });
  });

  it('refuses to take back money the account no longer has, and leaves the review open', async () => {
    const accountId = await traffic.account(customer);
    const depositId = await deposit(accountId);
    await traffic.api.post('/api/v1/withdrawals', customer.apiKey, { accountId, amount: 80 }, traffic.keyed());
    const reviewId = await contradict(depositId, 'failed');
    const refused = await resolve(reviewId, 'resolve-4', { decision: 'accept_bank', note: 'returned' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('insufficient_funds');
    const open = await traffic.api.get('/api/v1/admin/reviews?status=open', ledger.adminKey);
    expect(open.body.data.map((review: { id: string }) => review.id)).toContain(reviewId);
    expect((await resolve(reviewId, 'resolve-5', { decision: 'sideways', note: 'x' })).status).toBe(400);
    expect((await resolve(randomUUID(), 'resolve-6', { decision: 'keep_ledger', note: 'x' })).status).toBe(404);
  });
});
