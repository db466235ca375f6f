import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { signWebhook } from '@ledger/bank-protocol';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { apiClient, caughtUpHeaders, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { BankSimulatorHost } from './bank/bank-simulator.host';

const SECRET = 'transfers-test-webhook-secret';

describe('Deposits and withdrawals through the bank (over HTTP)', () => {
  let ledger: TestLedger;
  let api: ReturnType<typeof apiClient>;
  let user: { id: string; apiKey: string };

  beforeAll(async () => {
    ledger = await startTestLedger({
      BANK_WEBHOOK_SECRET: SECRET,
      BANK_SUCCESS_RATE: '1',
      BANK_MIN_DELAY_MS: '20',
      BANK_MAX_DELAY_MS: '120',
    });
    api = apiClient(ledger.baseUrl);
    user = (await api.post('/api/v1/users', ledger.adminKey, { name: 'Frank', role: 'customer' })).body;
  });
  afterAll(() => ledger.close());

  const bank = () => ledger.app.get(BankSimulatorHost).simulator!;
  const openAccount = async () =>
    (await api.post('/api/v1/accounts', user.apiKey, { currency: 'EUR' })).body.id as string;
  const keyed = (): Record<string, string> => ({ 'Idempotency-Key': randomUUID() });
  const deposit = (accountId: string, amount: unknown, headers = keyed()) =>
    api.post('/api/v1/deposits', user.apiKey, { accountId, amount }, headers);
  const withdraw = (accountId: string, amount: unknown, headers = keyed()) =>
    api.post('/api/v1/withdrawals', user.apiKey, { accountId, amount }, headers);

  async function settled(kind: 'deposits' | 'withdrawals', id: string) {
    // Generous: with a failing bank, some submissions time out (2 s each) and are retried.
    for (let attempt = 0; attempt < 1_200; attempt++) {
      const response = await api.get(`/api/v1/${kind}/${id}`, user.apiKey);
      if (response.status === 200 && ['succeeded', 'failed'].includes(response.body.status)) return response.body;
      await delay(50);
    }
    throw new Error(`${kind} ${id} did not settle`);
  }

  /** The balance once the read models have caught up with everything committed so far. */
  async function balance(accountId: string) {
    const response = await api.get(`/api/v1/accounts/${accountId}/balance`, user.apiKey, await caughtUpHeaders(ledger));
    expect(response.status).toBe(200);
    return response.body;
  }

  async function funded(amount: number) {
    const accountId = await openAccount();
    const response = await deposit(accountId, amount);
    await settled('deposits', response.body.id);
    return accountId;
  }

  it('settles a deposit pending → succeeded, crediting the account exactly once', async () => {
    const accountId = await openAccount();
    const response = await deposit(accountId, 2_500);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      accountId,
      amount: 2_500,
      currency: 'EUR',
      status: 'pending',
      failureReason: null,
    });
    expect(response.headers.get('x-ledger-position')).toMatch(/^\d+-\d+$/);

    expect(await settled('deposits', response.body.id)).toMatchObject({ status: 'succeeded' });
    await delay(300); // a duplicate callback, if the bank sends one, must change nothing
    const after = await balance(accountId);
    expect(after).toMatchObject({ ledger: 2_500, held: 0, available: 2_500 });
    const transactions = await api.get(`/api/v1/accounts/${accountId}/transactions`, user.apiKey);
    expect(transactions.body.data).toEqual([
      expect.objectContaining({
        type: 'deposit',
        direction: 'credit',
        amount: 2_500,
        status: 'succeeded',
        referenceId: response.body.id,
      }),
    ]);
  });

  /** 50 withdrawals of 10 at once, with the bank slow enough that none settles during the burst. */
  async function burstOfWithdrawals(accountId: string) {
    // The bank answers only after the whole burst is decided (a loaded machine takes seconds for
    // 50 requests): a failure answered earlier would release its hold for a later request.
    bank().configure({ minDelayMs: 5_000, maxDelayMs: 5_500 });
    try {
      return await Promise.all(Array.from({ length: 50 }, () => withdraw(accountId, 10)));
    } finally {
      bank().configure({ minDelayMs: 20, maxDelayMs: 120 });
    }
  }

  it('lets exactly 25 of 50 concurrent withdrawals of 10 from 250 through, then settles them all', async () => {
    const accountId = await funded(250);
    const responses = await burstOfWithdrawals(accountId);
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(25);
    expect(statuses.filter((status) => status === 422)).toHaveLength(25);
    for (const refused of responses.filter((response) => response.status === 422)) {
      expect(refused.body.error).toBe('insufficient_funds');
    }
    for (const accepted of responses.filter((response) => response.status === 202)) {
      expect(await settled('withdrawals', accepted.body.id)).toMatchObject({ status: 'succeeded' });
    }
    await delay(200);
    expect(await balance(accountId)).toMatchObject({ ledger: 0, held: 0, available: 0 });
  });

  it('answers every one of a stream of withdrawals while bank callbacks settle earlier ones on the same account', async () => {
    const accountId = await funded(1_000);
    const statuses: number[] = [];
    // Waves of 8 at once, each deciding while the one before commits, while callbacks (20–120 ms)
    // settle the earlier ones with appends of their own on the same account.
    for (let wave = 0; wave < 12; wave++) {
      const answers = await Promise.all(Array.from({ length: 8 }, () => withdraw(accountId, 1)));
      statuses.push(...answers.map((answer) => answer.status));
      await delay(15);
    }
    expect(statuses.filter((status) => status !== 202)).toEqual([]);
    await api.get('/api/v1/users/me', user.apiKey, await caughtUpHeaders(ledger));
    const { rows } = await ledger.database.pool.query<{ id: string }>(
      `SELECT id FROM rm_transfers WHERE account_id = $1 AND kind = 'withdrawal'`,
      [accountId],
    );
    expect(rows).toHaveLength(96);
    for (const { id } of rows) await settled('withdrawals', id);
    await delay(200);
    expect(await balance(accountId)).toMatchObject({ ledger: 904, held: 0, available: 904 });
  });

  it('releases every hold when the bank fails every withdrawal', async () => {
    const accountId = await funded(250);
    bank().configure({ successRate: 0 });
    try {
      const responses = await burstOfWithdrawals(accountId);
      expect(responses.filter((response) => response.status === 202)).toHaveLength(25);
      expect(responses.filter((response) => response.status === 422)).toHaveLength(25);
      for (const accepted of responses.filter((response) => response.status === 202)) {
        const result = await settled('withdrawals', accepted.body.id);
        expect(result.status).toBe('failed');
        expect(['insufficient_funds', 'invalid_account']).toContain(result.failureReason);
      }
      await delay(200);
      expect(await balance(accountId)).toMatchObject({ ledger: 250, held: 0, available: 250 });
    } finally {
      bank().configure({ successRate: 1 });
    }
  });

  it('creates one transfer for one Idempotency-Key sent 20 times at once', async () => {
    const accountId = await openAccount();
    const headers = { 'Idempotency-Key': `deposit-${randomUUID()}` };
    const responses = await Promise.all(Array.from({ length: 20 }, () => deposit(accountId, 700, headers)));
    const accepted = responses.filter((response) => response.status === 202);
    expect(accepted.length + responses.filter((response) => response.status === 409).length).toBe(20);
    expect(new Set(accepted.map((response) => response.body.id)).size).toBe(1);
    const repeat = await deposit(accountId, 700, headers);
    expect(repeat.status).toBe(202);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(repeat.body).toEqual(accepted[0].body);
    expect((await deposit(accountId, 701, headers)).status).toBe(422);
    await settled('deposits', accepted[0].body.id);
    const deposits = await api.get(`/api/v1/deposits?accountId=${accountId}`, user.apiKey);
    expect(deposits.body.data).toHaveLength(1);
  });

  describe('bank webhook', () => {
    const callback = (transferId: string, type: string, eventId = randomUUID()) =>
      JSON.stringify({ eventId, transferId, type, occurredAt: new Date().toISOString() });
    const send = (body: string, signature?: string) =>
      fetch(`${ledger.baseUrl}/webhooks/bank-callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { 'x-bank-signature': signature } : {}) },
        body,
      });
    const now = () => Math.floor(Date.now() / 1000);
    const recordedEventIds = async (stream: string) =>
      (await ledger.app.get<EventStore>(EVENT_STORE).readStream(stream)).map(
        (event) => (event.data as { eventId?: string }).eventId,
      );

    it('answers 401 invalid_signature to a forged, stale or missing signature and records nothing', async () => {
      const accountId = await openAccount();
      const { body: transfer } = await deposit(accountId, 100);
      const forgedEventId = randomUUID();
      const body = callback(transfer.id, 'failed', forgedEventId);
      for (const signature of [
        undefined,
        'garbage',
        signWebhook('not-the-secret-at-all', body, now()),
        signWebhook(SECRET, body, now() - 301),
        signWebhook(SECRET, body.replace('failed', 'succeeded'), now()),
      ]) {
        const response = await send(body, signature);
        expect(response.status).toBe(401);
        expect(((await response.json()) as { error: string }).error).toBe('invalid_signature');
      }
      expect((await settled('deposits', transfer.id)).status).toBe('succeeded');
      const recorded = await recordedEventIds(`deposit-${transfer.id}`);
      expect(recorded).not.toContain(forgedEventId);
    });

    it('ignores a repeated event id, flags a contradiction for review without moving money, rejects the unknown', async () => {
      const accountId = await openAccount();
      const { body: transfer } = await deposit(accountId, 300);
      await settled('deposits', transfer.id);
      const credited = await balance(accountId);
      expect(credited.ledger).toBe(300);

      const contradiction = callback(transfer.id, 'failed');
      const first = await send(contradiction, signWebhook(SECRET, contradiction, now()));
      expect(await first.json()).toMatchObject({ outcome: 'MANUAL_REVIEW', transferStatus: 'succeeded' });
      const again = await send(contradiction, signWebhook(SECRET, contradiction, now()));
      expect(await again.json()).toMatchObject({ outcome: 'IGNORE', transferStatus: 'succeeded' });
      const confirmation = callback(transfer.id, 'succeeded');
      expect(await (await send(confirmation, signWebhook(SECRET, confirmation, now()))).json()).toMatchObject({
        outcome: 'IGNORE',
      });
      const unknown = callback(randomUUID(), 'succeeded');
      expect(await (await send(unknown, signWebhook(SECRET, unknown, now()))).json()).toMatchObject({
        outcome: 'REJECT',
        transferStatus: null,
      });

      await delay(200);
      expect(await balance(accountId)).toMatchObject({ ledger: 300, held: 0 });
      const reviews = await api.get('/api/v1/admin/reviews?status=open', ledger.adminKey);
      expect(reviews.body.data).toContainEqual(
        expect.objectContaining({
          transferId: transfer.id,
          callbackType: 'failed',
          transferStatus: 'succeeded',
          status: 'open',
        }),
      );
      expect((await api.get('/api/v1/admin/reviews', user.apiKey)).status).toBe(403);
    });
  });

  describe('bad input', () => {
    it.each([
      ['negative', -5],
      ['zero', 0],
      ['fractional', 10.5],
      ['string', '10'],
      ['over 2^53', 2 ** 53 + 2],
      ['missing', undefined],
    ])('rejects a %s amount with 400 naming the field', async (_, amount) => {
      const accountId = await openAccount();
      for (const request of [deposit, withdraw]) {
        const response = await request(accountId, amount);
        expect(response.status).toBe(400);
        expect(response.body.error).toBe('validation_failed');
        expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain('amount');
      }
    });

    it.each(['100.0', '1e2', '12.0000000000000001', '4503599627370497.5', '"10"', '0', '-5', '9007199254740992'])(
      'rejects the amount %s with 400 and one problem naming the field (a float JSON.parse would round is one)',
      async (amount) => {
        const accountId = await openAccount();
        const body = `{"accountId":"${accountId}","amount":${amount}}`;
        const response = await api.post('/api/v1/deposits', user.apiKey, body, keyed());
        expect(response.status).toBe(400);
        expect(response.body.error).toBe('validation_failed');
        expect(response.body.details).toEqual([
          { field: 'amount', problems: ['amount must be a positive integer in minor units, at most 9007199254740991'] },
        ]);
      },
    );

    it('rejects unknown fields, a missing Idempotency-Key, malformed JSON and a 2 MiB body', async () => {
      const accountId = await openAccount();
      const extra = await api.post('/api/v1/deposits', user.apiKey, { accountId, amount: 5, memo: 'x' }, keyed());
      expect(extra.status).toBe(400);
      expect(extra.body.details[0].field).toBe('memo');
      const unkeyed = await api.post('/api/v1/withdrawals', user.apiKey, { accountId, amount: 5 });
      expect(unkeyed.status).toBe(400);
      expect(unkeyed.body.error).toBe('idempotency_key_required');
      const malformed = await api.post('/api/v1/deposits', user.apiKey, '{"accountId":', keyed());
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toBe('validation_failed');
      const huge = await api.post(
        '/api/v1/deposits',
        user.apiKey,
        JSON.stringify({ accountId, amount: 5, pad: 'x'.repeat(2 * 1024 * 1024) }),
        keyed(),
      );
      expect(huge.status).toBe(413);
    });

    it("answers 404 for someone else's account and 401 without a key", async () => {
      const stranger = (await api.post('/api/v1/users', ledger.adminKey, { name: 'Gina', role: 'customer' })).body;
      const accountId = await openAccount();
      const response = await api.post('/api/v1/withdrawals', stranger.apiKey, { accountId, amount: 5 }, keyed());
      expect(response.status).toBe(404);
      expect((await api.post('/api/v1/deposits', undefined, { accountId, amount: 5 }, keyed())).status).toBe(401);
    });
  });

  it('keeps a balance past 2^63 - 1 exact, and the read models moving', async () => {
    // Each amount is at most 2^53 - 1, but a balance is their sum: 1,030 such deposits pass 2^63.
    const accountId = await openAccount();
    const largest = 2 ** 53 - 1;
    const items = Array.from({ length: 1_030 }, () => ({ kind: 'deposit', accountId, amount: largest }));
    const batch = await api.post('/api/v1/transfers/batch', user.apiKey, { mode: 'atomic', items }, keyed());
    expect(batch.status).toBe(202);
    const expected = (BigInt(largest) * 1_030n).toString();
    for (let attempt = 0; ; attempt++) {
      const { ledger: total } = await balance(accountId);
      if (String(total) === expected) break;
      if (attempt === 600) throw new Error(`the balance stayed at ${total}`);
      await delay(100);
    }
    const after = await deposit(accountId, 1);
    await settled('deposits', after.body.id);
    const increased = (BigInt(expected) + 1n).toString();
    expect(await balance(accountId)).toEqual(
      expect.objectContaining({ ledger: increased, held: 0, available: increased }),
    );
  });
});
