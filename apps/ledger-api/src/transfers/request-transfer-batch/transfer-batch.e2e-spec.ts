import { randomUUID } from 'node:crypto';
import { eventually } from '../../../../../test/eventually';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../../test/ledger-traffic';
import { deterministicUuid } from '../../shared/deterministic-id';

describe('POST /api/v1/transfers/batch', () => {
  let ledger: TestLedger;
  let traffic: ReturnType<typeof ledgerTraffic>;
  let customer: TestUser;

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
    traffic = ledgerTraffic(ledger);
    customer = await traffic.user('Payroll', 'customer');
  });
  afterAll(() => ledger.close());

  const batch = (body: unknown, key = randomUUID()) =>
    traffic.api.post('/api/v1/transfers/batch', customer.apiKey, body, { 'Idempotency-Key': key });
  const balance = async (accountId: string) =>
    (await traffic.api.get(`/api/v1/accounts/${accountId}/balance`, ledger.adminKey, await caughtUpHeaders(ledger)))
      .body as { available: number; held: number; ledger: number };

  it('holds each withdrawal on what the ones before left, and the bank settles every transfer it accepted', async () => {
    const account = await traffic.account(customer, 100);
    const answer = await batch({
      mode: 'independent',
      items: [
        { kind: 'withdrawal', accountId: account, amount: 70 },
        { kind: 'deposit', accountId: account, amount: 500 },
        { kind: 'withdrawal', accountId: account, amount: 40 },
        { kind: 'withdrawal', accountId: account, amount: 30 },
      ],
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      mode: 'independent',
      results: [
        { index: 0, status: 'created', transfer: { status: 'pending', amount: 70, accountId: account } },
        { index: 1, status: 'created', transfer: { status: 'pending', amount: 500 } },
        { index: 2, status: 'refused', error: { error: 'insufficient_funds' } },
        { index: 3, status: 'created', transfer: { status: 'pending', amount: 30 } },
      ],
    });
    const ids = answer.body.results.flatMap((result: { transfer?: { id: string } }) =>
      result.transfer ? [result.transfer.id] : [],
    );
    const settled = await eventually(async () => {
      const statuses = await Promise.all(
        ids.map(async (id: string, index: number) => {
          const kind = index === 1 ? 'deposits' : 'withdrawals';
          return (await traffic.api.get(`/api/v1/${kind}/${id}`, customer.apiKey)).body.status;
        }),
      );
      return statuses.every((status) => status === 'succeeded' || status === 'failed') && statuses;
    });
    expect(settled).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(await balance(account)).toMatchObject({ ledger: 100 - 70 + 500 - 30, held: 0 });
  });

  it('writes nothing of an atomic batch with one item refused', async () => {
    const account = await traffic.account(customer, 10);
    const answer = await batch({
      mode: 'atomic',
      items: [
        { kind: 'deposit', accountId: account, amount: 5 },
        { kind: 'withdrawal', accountId: account, amount: 11 },
      ],
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ error: 'insufficient_funds', message: expect.stringMatching(/^Item 1: /) });
    expect(await balance(account)).toMatchObject({ ledger: 10, held: 0 });
  });

  it('refuses an item on an account the caller does not own as not found, and a bad kind with 400', async () => {
    const other = await traffic.user('Other', 'customer');
    const theirs = await traffic.account(other, 10);
    const answer = await batch({ mode: 'independent', items: [{ kind: 'withdrawal', accountId: theirs, amount: 1 }] });
    expect(answer.body.results[0]).toMatchObject({ status: 'refused', error: { error: 'not_found' } });
    const bad = await batch({ mode: 'atomic', items: [{ kind: 'loan', accountId: theirs, amount: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((detail: { field: string }) => detail.field)).toEqual(['items.0.kind']);
    const nested = await batch({ mode: 'atomic', items: [[{ kind: 'deposit', accountId: theirs, amount: 1 }]] });
    expect(nested.status).toBe(400);
    expect(nested.body.details.map((detail: { field: string }) => detail.field)).toEqual(['items']);
    const id = randomUUID();
    const cased = await batch({
      mode: 'independent',
      items: [
        { kind: 'deposit', accountId: theirs, amount: 1, id },
        { kind: 'deposit', accountId: theirs, amount: 1, id: id.toUpperCase() },
      ],
    });
    expect(cased.status).toBe(400);
    expect(cased.body.details.map((detail: { field: string }) => detail.field)).toEqual(['items']);
  });

  describe('a transfer id, unique across payments and transfers (a bank callback names only the id, read models a movement by it)', () => {
    /** The transfer of a kind by id: its status once settled, 404 when there is none. */
    const transferOf = async (kind: 'deposit' | 'withdrawal', id: string) =>
      traffic.api.get(`/api/v1/${kind}s/${id}`, customer.apiKey, await caughtUpHeaders(ledger));
    const settled = (kind: 'deposit' | 'withdrawal', id: string) =>
      eventually(async () => {
        const { status } = (await transferOf(kind, id)).body;
        return (status === 'succeeded' || status === 'failed') && status;
      });

    it("refuses a batch deposit given a withdrawal's id, and the withdrawal settles as itself", async () => {
      const account = await traffic.account(customer, 1000);
      const id = randomUUID();
      const withdrawal = await batch({
        mode: 'atomic',
        items: [{ kind: 'withdrawal', accountId: account, amount: 100, id }],
      });
      expect(withdrawal.body.results).toMatchObject([{ status: 'created', transfer: { id } }]);
      const item = { kind: 'deposit', accountId: account, amount: 1_000_000, id };
      const answer = await batch({ mode: 'independent', items: [item] });
      expect(answer.status).toBe(202);
      expect(answer.body.results).toEqual([
        { index: 0, status: 'refused', error: expect.objectContaining({ error: 'transfer_exists' }) },
      ]);
      const atomic = await batch({ mode: 'atomic', items: [{ ...item, id: randomUUID() }, item] });
      expect(atomic.status).toBe(409);
      expect(atomic.body).toMatchObject({ error: 'transfer_exists', message: expect.stringMatching(/^Item 1: /) });
      expect(await settled('withdrawal', id)).toBe('succeeded');
      expect((await transferOf('deposit', id)).status).toBe(404);
      expect(await balance(account)).toMatchObject({ available: 900, held: 0, ledger: 900 });
    });

    it('creates a new id given by batches sent at once only once, and refuses it in the others: none answers 500', async () => {
      const account = await traffic.account(customer, 1000);
      const id = randomUUID();
      const answers = await Promise.all(
        [id, id.toUpperCase(), id, id.toUpperCase()].map((given, index) =>
          batch({
            mode: index % 2 ? 'atomic' : 'independent',
            items: [{ kind: 'withdrawal', accountId: account, amount: 100, id: given }],
          }),
        ),
      );
      const created = answers.filter((answer) => answer.status === 202 && answer.body.results[0].status === 'created');
      expect(created).toHaveLength(1);
      expect(await balance(account)).toMatchObject({ available: 900 }); // one withdrawal held or debited
      for (const [index, answer] of answers.entries()) {
        if (answer === created[0]) continue;
        if (index % 2) expect(answer).toMatchObject({ status: 409, body: { error: 'transfer_exists' } });
        else {
          expect(answer.status).toBe(202);
          expect(answer.body.results).toMatchObject([{ status: 'refused', error: { error: 'transfer_exists' } }]);
        }
      }
    });

    it("refuses a withdrawal given the id of an authorized payment on its account: it neither skips the funds check nor takes the payment's hold", async () => {
      const account = await traffic.account(customer, 100);
      const payee = await traffic.account(await traffic.user('Shop', 'merchant'));
      const id = randomUUID();
      const payment = await traffic.api.post(
        '/api/v1/payments/batch',
        customer.apiKey,
        {
          mode: 'atomic',
          items: [{ payerAccountId: account, payeeAccountId: payee, amount: 1, captureMethod: 'manual', id }],
        },
        { 'Idempotency-Key': randomUUID() },
      );
      expect(payment.body.results).toMatchObject([{ status: 'created', payment: { status: 'authorized' } }]);
      const item = { kind: 'withdrawal', accountId: account, amount: 1_000_000, id };
      const answer = await batch({ mode: 'independent', items: [item] });
      expect(answer.status).toBe(202);
      expect(answer.body.results).toMatchObject([{ status: 'refused', error: { error: 'transfer_exists' } }]);
      expect((await batch({ mode: 'atomic', items: [item] })).body).toMatchObject({ error: 'transfer_exists' });
      expect((await transferOf('withdrawal', id)).status).toBe(404);
      expect(await balance(account)).toMatchObject({ available: 99, held: 1, ledger: 100 });
    });

    it("refuses a chosen id of version 8, the ledger's derived ids, with 400 naming the item's id: a client cannot take the id a request derives", async () => {
      const account = await traffic.account(customer, 1000);
      const key = randomUUID();
      // The id POST /withdrawals derives from the caller and the key (newEntityId).
      const id = deterministicUuid('withdrawal', customer.id, key);
      for (const given of [id, id.toUpperCase()]) {
        const deposit = await batch({
          mode: 'atomic',
          items: [{ kind: 'deposit', accountId: account, amount: 50, id: given }],
        });
        expect(deposit.status).toBe(400);
        expect(deposit.body).toMatchObject({
          error: 'validation_failed',
          details: [
            {
              field: 'items.0.id',
              problems: ["id must be a UUID of version 1 to 7: version 8 is the ledger's derived ids"],
            },
          ],
        });
      }
      const withdrawal = await traffic.api.post(
        '/api/v1/withdrawals',
        customer.apiKey,
        { accountId: account, amount: 100 },
        { 'Idempotency-Key': key },
      );
      expect(withdrawal.status).toBe(202);
      expect(withdrawal.body.id).toBe(id);
      expect(await settled('withdrawal', id)).toBe('succeeded');
      expect((await transferOf('deposit', id)).status).toBe(404);
      expect(await balance(account)).toMatchObject({ available: 900, held: 0, ledger: 900 });
    });

    it('writes one of a deposit and a withdrawal given one id at once, never both', async () => {
      const account = await traffic.account(customer, 1000);
      for (let round = 0; round < 10; round++) {
        const id = randomUUID();
        const answers = await Promise.all(
          (['deposit', 'withdrawal'] as const).map((kind) =>
            batch({ mode: 'independent', items: [{ kind, accountId: account, amount: 1, id }] }),
          ),
        );
        expect(answers.map(({ status }) => status)).toEqual([202, 202]);
        const results = answers.map(({ body }) => body.results[0]);
        expect(results.map(({ status }) => status).sort()).toEqual(['created', 'refused']);
        expect(results.find(({ status }) => status === 'refused').error.error).toBe('transfer_exists');
        const found = await Promise.all(
          (['deposit', 'withdrawal'] as const).map(async (kind) => (await transferOf(kind, id)).status),
        );
        expect(found.sort()).toEqual([200, 404]);
      }
    });

    const payBatch = (items: unknown[]) =>
      traffic.api.post('/api/v1/payments/batch', customer.apiKey, { mode: 'independent', items }, traffic.keyed());
    /** The transactions projection has handled every event written so far: a movement id did not stall it. */
    const transactionsCaughtUp = () =>
      eventually(async () => {
        const listed = await traffic.api.get('/api/v1/admin/projections', ledger.adminKey);
        const transactions = listed.body.find((projection: { name: string }) => projection.name === 'transactions');
        return Number(transactions.lag) === 0;
      }, 15_000);

    it("refuses transfer_exists a batch deposit given a payment's chosen id: nothing moved, the read models not stalled", async () => {
      const account = await traffic.account(customer, 100);
      const payee = await traffic.account(await traffic.user('Shop', 'merchant'));
      const id = randomUUID();
      const payment = await payBatch([{ payerAccountId: account, payeeAccountId: payee, amount: 10, id }]);
      expect(payment.body.results).toMatchObject([{ status: 'created', payment: { status: 'captured' } }]);
      const item = { kind: 'deposit', accountId: account, amount: 1_000_000, id };
      const answer = await batch({ mode: 'independent', items: [item] });
      expect(answer.status).toBe(202);
      expect(answer.body.results).toMatchObject([{ status: 'refused', error: { error: 'transfer_exists' } }]);
      expect((await batch({ mode: 'atomic', items: [item] })).body).toMatchObject({ error: 'transfer_exists' });
      expect((await transferOf('deposit', id)).status).toBe(404);
      await transactionsCaughtUp();
      expect(await balance(account)).toMatchObject({ available: 90, held: 0, ledger: 90 });
    });

    it('writes one of a payment batch and a transfer batch given one new id at once, never both, and the transactions projection keeps up', async () => {
      const account = await traffic.account(customer, 1000);
      const payee = await traffic.account(await traffic.user('Shop', 'merchant'));
      for (let round = 0; round < 10; round++) {
        const id = randomUUID();
        const kind = round % 2 ? 'withdrawal' : 'deposit';
        const [payment, transfer] = await Promise.all([
          payBatch([{ payerAccountId: account, payeeAccountId: payee, amount: 1, captureMethod: 'manual', id }]),
          batch({ mode: 'independent', items: [{ kind, accountId: account, amount: 1, id }] }),
        ]);
        expect([payment.status, transfer.status]).toEqual([201, 202]);
        const results = [payment.body.results[0], transfer.body.results[0]];
        expect(results.filter(({ status }) => status === 'created')).toHaveLength(1);
        const refused = results.findIndex(({ status }) => status === 'refused');
        expect(results[refused].error.error).toBe(refused === 0 ? 'payment_exists' : 'transfer_exists');
      }
      await transactionsCaughtUp();
    });
  });
});
