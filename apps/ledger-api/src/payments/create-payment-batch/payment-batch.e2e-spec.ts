import { randomUUID } from 'node:crypto';
import { eventually } from '../../../../../test/eventually';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../../test/ledger-traffic';
import { deterministicUuid } from '../../shared/deterministic-id';

type Traffic = ReturnType<typeof ledgerTraffic>;

describe('POST /api/v1/payments/batch', () => {
  let ledger: TestLedger;
  let traffic: Traffic;
  let customer: TestUser;
  let merchant: TestUser;

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
    traffic = ledgerTraffic(ledger);
    customer = await traffic.user('Batcher', 'customer');
    merchant = await traffic.user('Shop', 'merchant');
  });
  afterAll(() => ledger.close());

  const batch = (body: unknown, key = randomUUID(), owner = customer) =>
    traffic.api.post('/api/v1/payments/batch', owner.apiKey, body, { 'Idempotency-Key': key });
  const balance = async (accountId: string) =>
    (await traffic.api.get(`/api/v1/accounts/${accountId}/balance`, ledger.adminKey, await caughtUpHeaders(ledger)))
      .body as { available: number; held: number; ledger: number };
  const transferBatch = (items: unknown[], owner = customer) =>
    traffic.api.post(
      '/api/v1/transfers/batch',
      owner.apiKey,
      { mode: 'atomic', items },
      { 'Idempotency-Key': randomUUID() },
    );
  const eventCount = async () =>
    Number((await ledger.database.pool.query('SELECT count(*) AS n FROM es_events')).rows[0].n);
  const item = (payerAccountId: string, payeeAccountId: string, amount: number) => ({
    payerAccountId,
    payeeAccountId,
    amount,
  });

  it('decides an independent batch item by item on what the items before left, and answers each in order', async () => {
    const payer = await traffic.account(customer, 100);
    const payee = await traffic.account(merchant);
    const answer = await batch({
      mode: 'independent',
      items: [item(payer, payee, 60), item(payer, payee, 60), item(payer, payee, 40)],
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-ledger-position')).toBeTruthy();
    expect(answer.body).toMatchObject({
      id: expect.any(String),
      mode: 'independent',
      results: [
        { index: 0, status: 'created', payment: { status: 'captured', amount: 60, payerAccountId: payer } },
        { index: 1, status: 'refused', error: { error: 'insufficient_funds', message: expect.any(String) } },
        { index: 2, status: 'created', payment: { status: 'captured', amount: 40 } },
      ],
    });
    expect(await balance(payer)).toMatchObject({ ledger: 0, available: 0 });
    expect(await balance(payee)).toMatchObject({ ledger: 100, available: 100 });
    const shown = await traffic.api.get(
      `/api/v1/payments/${answer.body.results[0].payment.id}`,
      customer.apiKey,
      await caughtUpHeaders(ledger),
    );
    expect(shown.body).toMatchObject({ status: 'captured', amount: 60 });
  });

  it('decides batches sent at once on the same payers each on what the one before left: none overdraws', async () => {
    const payers = [await traffic.account(customer, 100), await traffic.account(customer, 100)];
    const payee = await traffic.account(merchant);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        batch({
          mode: 'independent',
          items: payers.flatMap((payer) => [item(payer, payee, 15), item(payer, payee, 15)]),
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(201));
    const results = answers.flatMap((answer) => answer.body.results as { status: string; error?: { error: string } }[]);
    expect(results.filter((result) => result.status === 'created')).toHaveLength(12); // six of 15 from each 100
    expect(results.filter((result) => result.error?.error === 'insufficient_funds')).toHaveLength(28);
    for (const payer of payers) expect(await balance(payer)).toMatchObject({ ledger: 10, available: 10 });
    expect(await balance(payee)).toMatchObject({ ledger: 180 });
  });

  it('writes nothing of an atomic batch with one item refused, and names that item', async () => {
    const payer = await traffic.account(customer, 100);
    const payee = await traffic.account(merchant);
    const before = await eventCount();
    const answer = await batch({
      mode: 'atomic',
      items: [item(payer, payee, 60), item(payer, payee, 60), item(payer, payee, 10)],
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ error: 'insufficient_funds', message: expect.stringMatching(/^Item 1: /) });
    expect(await eventCount()).toBe(before);
    expect(await balance(payer)).toMatchObject({ ledger: 100, available: 100 });
  });

  it('moves 1,000 payments from 10 payers in one atomic request, every cent conserved and verified', async () => {
    const payers = await Promise.all(Array.from({ length: 10 }, () => traffic.account(customer, 1_000)));
    const payee = await traffic.account(merchant);
    const items = Array.from({ length: 1_000 }, (_, index) => item(payers[index % 10], payee, 1 + (index % 3)));
    const answer = await batch({ mode: 'atomic', items });
    expect(answer.status).toBe(201);
    expect(answer.body.results.every((result: { status: string }) => result.status === 'created')).toBe(true);
    const moved = items.reduce((sum, { amount }) => sum + amount, 0);
    const payerBalances = await Promise.all(payers.map(balance));
    expect(payerBalances.reduce((sum, shown) => sum + shown.ledger, 0)).toBe(10_000 - moved);
    expect(await balance(payee)).toMatchObject({ ledger: moved });
    const report = await traffic.api.post('/api/v1/admin/audit/verify', ledger.adminKey);
    expect(report.body).toMatchObject({ discrepancies: [], journalBalanced: true, chain: { brokenLinkCount: 0 } });
  });

  it('replays its answer byte for byte, and after its record is lost answers from the batch as written', async () => {
    const payer = await traffic.account(customer, 50);
    const payee = await traffic.account(merchant);
    const key = randomUUID();
    const body = { mode: 'independent', items: [item(payer, payee, 30), item(payer, payee, 30)] };
    const first = await batch(body, key);
    expect(first.status).toBe(201);
    const replay = await batch(body, key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);

    // As if the process died between the append and storing the answer: the batch's own stream answers.
    await ledger.database.pool.query('DELETE FROM idempotency_keys WHERE key = $1', [key]);
    await traffic.account(customer, 0);
    const before = await eventCount();
    const retried = await batch(body, key);
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(first.body);
    expect(retried.headers.get('x-ledger-position')).toBe(first.headers.get('x-ledger-position'));
    expect(await eventCount()).toBe(before);
    expect(await balance(payer)).toMatchObject({ ledger: 20 });
  });

  it('takes ids the caller chose, and refuses one already used', async () => {
    const payer = await traffic.account(customer, 50);
    const payee = await traffic.account(merchant);
    const id = randomUUID();
    const first = await batch({ mode: 'independent', items: [{ ...item(payer, payee, 5), id }] });
    expect(first.body.results[0]).toMatchObject({ status: 'created', payment: { id } });
    const again = await batch({ mode: 'independent', items: [{ ...item(payer, payee, 5), id }] });
    expect(again.body.results[0]).toMatchObject({ status: 'refused', error: { error: 'payment_exists' } });
  });

  it("refuses a chosen id of version 8, the ledger's derived ids, with 400 naming the item's id, and keeps nothing", async () => {
    const payer = await traffic.account(customer, 50);
    const payee = await traffic.account(merchant);
    const [key, batchKey] = [randomUUID(), randomUUID()];
    // The id POST /payments derives from the caller and its key (newEntityId), and the one a batch
    // sent with its own key derives for its first item.
    const single = deterministicUuid('payment', customer.id, key);
    const batchItem = deterministicUuid(
      'payment-batch-item',
      deterministicUuid('payment-batch', customer.id, batchKey),
      '0',
    );
    for (const id of [single, batchItem, batchItem.toUpperCase()]) {
      const before = await eventCount();
      const taken = await batch({
        mode: 'independent',
        items: [item(payer, payee, 1), { ...item(payer, payee, 5), id }],
      });
      expect(taken.status).toBe(400);
      expect(taken.body).toMatchObject({
        error: 'validation_failed',
        details: [
          {
            field: 'items.1.id',
            problems: ["id must be a UUID of version 1 to 7: version 8 is the ledger's derived ids"],
          },
        ],
      });
      expect(await eventCount()).toBe(before);
    }
    const paid = await traffic.api.post('/api/v1/payments', customer.apiKey, item(payer, payee, 20), {
      'Idempotency-Key': key,
    });
    expect(paid.body).toMatchObject({ id: single, status: 'captured' });
    const later = await batch({ mode: 'independent', items: [item(payer, payee, 7)] }, batchKey);
    expect(later.body.results).toMatchObject([{ status: 'created', payment: { id: batchItem, amount: 7 } }]);
    expect(await balance(payer)).toMatchObject({ available: 23, held: 0, ledger: 23 });
  });

  it('creates a new id given by batches sent at once only once, and refuses it in the others: none answers 500', async () => {
    const payer = await traffic.account(customer, 100);
    const payee = await traffic.account(merchant);
    for (const mode of ['independent', 'atomic']) {
      const id = randomUUID();
      // The same new id, in both cases, in batches that reach the store at about the same time.
      const answers = await Promise.all(
        [id, id.toUpperCase(), id, id.toUpperCase()].map((given) =>
          batch({ mode, items: [{ ...item(payer, payee, 5), id: given }] }),
        ),
      );
      const created = answers.filter((answer) => answer.status === 201 && answer.body.results[0].status === 'created');
      expect(created).toHaveLength(1);
      const refused = answers.filter((answer) => answer !== created[0]);
      for (const answer of refused) {
        if (mode === 'independent') {
          expect(answer.status).toBe(201);
          expect(answer.body.results).toMatchObject([{ status: 'refused', error: { error: 'payment_exists' } }]);
        } else {
          expect(answer.status).toBe(409);
          expect(answer.body).toMatchObject({ error: 'payment_exists' });
        }
      }
    }
    expect(await balance(payer)).toMatchObject({ available: 90, held: 0, ledger: 90 });
  });

  it("refuses a manual payment given the id of its payer's pending withdrawal: the withdrawal's hold stays its own", async () => {
    const payer = await traffic.account(customer, 1000);
    const payee = await traffic.account(merchant);
    const id = randomUUID();
    const withdrawal = await transferBatch([{ kind: 'withdrawal', accountId: payer, amount: 500, id }]);
    expect(withdrawal.body.results).toMatchObject([{ status: 'created', transfer: { id } }]);
    const answer = await batch({
      mode: 'independent',
      items: [{ ...item(payer, payee, 10), captureMethod: 'manual', id }],
    });
    expect(answer.status).toBe(201);
    expect(answer.body.results).toMatchObject([{ status: 'refused', error: { error: 'payment_exists' } }]);
    const capture = await traffic.api.post(
      `/api/v1/payments/${id}/capture`,
      merchant.apiKey,
      {},
      { 'Idempotency-Key': randomUUID() },
    );
    expect(capture.status).toBe(404);
    // The withdrawal settles its own 500 (FAST_BANK_ENV: the bank pays every transfer).
    await eventually(async () => (await balance(payer)).ledger === 500);
    expect(await balance(payer)).toMatchObject({ available: 500, held: 0, ledger: 500 });
  });

  it("refuses payment_exists a payment given a deposit's chosen id: nothing moved, the read models not stalled", async () => {
    const payer = await traffic.account(customer, 100);
    const payee = await traffic.account(merchant);
    const id = randomUUID();
    const deposit = await transferBatch([{ kind: 'deposit', accountId: payee, amount: 30, id }], merchant);
    expect(deposit.body.results).toMatchObject([{ status: 'created', transfer: { id } }]);
    const answer = await batch({ mode: 'independent', items: [{ ...item(payer, payee, 10), id }] });
    expect(answer.status).toBe(201);
    expect(answer.body.results).toMatchObject([{ status: 'refused', error: { error: 'payment_exists' } }]);
    const atomic = await batch({
      mode: 'atomic',
      items: [
        { ...item(payer, payee, 10), id: randomUUID() },
        { ...item(payer, payee, 10), id },
      ],
    });
    expect(atomic.status).toBe(409);
    expect(atomic.body).toMatchObject({ error: 'payment_exists', message: expect.stringMatching(/^Item 1: /) });
    const read = await traffic.api.get(`/api/v1/payments/${id}`, customer.apiKey, await caughtUpHeaders(ledger));
    expect(read.status).toBe(404);
    // The transactions projection handled every event: a movement id shared would have stalled it.
    await eventually(async () => {
      const listed = await traffic.api.get('/api/v1/admin/projections', ledger.adminKey);
      return Number(listed.body.find((projection: { name: string }) => projection.name === 'transactions').lag) === 0;
    }, 15_000);
    expect(await balance(payer)).toMatchObject({ available: 100, held: 0, ledger: 100 });
    await eventually(async () => (await balance(payee)).ledger === 30);
  });

  it('takes an id in capitals as the same id: the same id twice, or one already used', async () => {
    const payer = await traffic.account(customer, 100);
    const payee = await traffic.account(merchant);
    const id = randomUUID();
    const twice = await batch({
      mode: 'independent',
      items: [
        { ...item(payer, payee, 1), id },
        { ...item(payer, payee, 1), id: id.toUpperCase() },
      ],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.details.map((detail: { field: string }) => detail.field)).toContain('items');
    const first = await batch({ mode: 'independent', items: [{ ...item(payer, payee, 1), id: id.toUpperCase() }] });
    expect(first.body.results[0]).toMatchObject({ status: 'created', payment: { id } });
    const again = await batch({ mode: 'independent', items: [{ ...item(payer, payee, 1), id }] });
    expect(again.body.results[0]).toMatchObject({ status: 'refused', error: { error: 'payment_exists' } });
    const read = await traffic.api.get(`/api/v1/payments/${id}`, customer.apiKey, await caughtUpHeaders(ledger));
    expect(read.status).toBe(200);
    expect(await balance(payer)).toMatchObject({ available: 99, ledger: 99 });
  });

  it("refuses paying from another user's account as from one that does not exist", async () => {
    const theirs = await traffic.account(merchant, 50);
    const mine = await traffic.account(customer);
    const answer = await batch({ mode: 'independent', items: [item(theirs, mine, 5)] });
    expect(answer.body.results[0]).toMatchObject({ status: 'refused', error: { error: 'not_found' } });
  });

  it.each([
    ['no items', { mode: 'atomic', items: [] }, 'items'],
    ['an unknown mode', { mode: 'some', items: [] }, 'mode'],
    ['an unknown field in an item', { mode: 'atomic', items: [{ amount: 1, extra: 1 }] }, 'items.0.extra'],
    ['a bad amount in an item', { mode: 'atomic', items: [{ amount: 1.5 }] }, 'items.0.amount'],
    ['an array as an item', { mode: 'atomic', items: [[]] }, 'items'],
    ['an array of items as an item', { mode: 'independent', items: [[item(randomUUID(), randomUUID(), 1)]] }, 'items'],
    [
      'the same id twice',
      {
        mode: 'atomic',
        items: [1, 2].map(() => ({
          ...item(randomUUID(), randomUUID(), 1),
          id: '8f0f4b4e-8c36-4a8e-9e0e-0d0c5f1f6f01',
        })),
      },
      'items',
    ],
    [
      '10,001 items',
      { mode: 'atomic', items: Array.from({ length: 10_001 }, () => item(randomUUID(), randomUUID(), 1)) },
      'items',
    ],
  ])('refuses %s with 400 naming the field, and keeps nothing', async (_, body, field) => {
    const before = await eventCount();
    const answer = await batch(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('validation_failed');
    expect(answer.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
    expect(await eventCount()).toBe(before);
  });

  it('takes a body over 1 MiB on this route, and refuses one over 16 MiB with 413', async () => {
    const payer = await traffic.account(customer, 1_000_000);
    const payee = await traffic.account(merchant);
    const description = 'x'.repeat(400);
    const large = await batch({
      mode: 'atomic',
      items: Array.from({ length: 3_000 }, () => ({ ...item(payer, payee, 1), description })),
    });
    expect(large.status).toBe(201);
    const huge = await batch({
      mode: 'atomic',
      items: Array.from({ length: 10_000 }, () => ({ ...item(payer, payee, 1), description: 'y'.repeat(1_700) })),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('payload_too_large');
  });
});
