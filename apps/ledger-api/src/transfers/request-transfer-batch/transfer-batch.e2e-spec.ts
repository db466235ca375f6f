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

  describe('a transfer id, unique across deposits and withdrawals (a bank callback names only the id)', () => {
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
      const withdrawal = await traffic.requestTransfer(customer, 'withdrawal', account, 100);
      expect(withdrawal.status).toBe(202);
      const id = withdrawal.body.id as string;
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

    it('refuses a withdrawal whose id, derived from its key, a batch deposit was given first: 409, nothing held', async () => {
      const account = await traffic.account(customer, 1000);
      const key = randomUUID();
      // The id POST /withdrawals derives from the caller and the key (newEntityId).
      const id = deterministicUuid('withdrawal', customer.id, key);
      const deposit = await batch({ mode: 'atomic', items: [{ kind: 'deposit', accountId: account, amount: 50, id }] });
      expect(deposit.body.results).toMatchObject([{ status: 'created', transfer: { id } }]);
      const withdraw = () =>
        traffic.api.post(
          '/api/v1/withdrawals',
          customer.apiKey,
          { accountId: account, amount: 100 },
          {
            'Idempotency-Key': key,
          },
        );
      const withdrawal = await withdraw();
      expect(withdrawal.status).toBe(409);
      expect(withdrawal.body).toMatchObject({ error: 'transfer_exists' });
      expect((await withdraw()).status).toBe(409);
      expect(await settled('deposit', id)).toBe('succeeded');
      expect((await transferOf('withdrawal', id)).status).toBe(404);
      expect(await balance(account)).toMatchObject({ available: 1050, held: 0, ledger: 1050 });
    });

    it('refuses a deposit whose derived id a batch deposit was given: 409, not 500, nothing moved', async () => {
      const account = await traffic.account(customer, 1000);
      const key = randomUUID();
      const id = deterministicUuid('deposit', customer.id, key);
      const taken = await batch({ mode: 'atomic', items: [{ kind: 'deposit', accountId: account, amount: 50, id }] });
      expect(taken.body.results).toMatchObject([{ status: 'created', transfer: { id } }]);
      const single = await traffic.api.post(
        '/api/v1/deposits',
        customer.apiKey,
        { accountId: account, amount: 7 },
        { 'Idempotency-Key': key },
      );
      expect(single.status).toBe(409);
      expect(single.body).toMatchObject({ error: 'transfer_exists' });
      expect(await settled('deposit', id)).toBe('succeeded');
      expect(await balance(account)).toMatchObject({ available: 1050, held: 0, ledger: 1050 });
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

    it('writes one of a withdrawal and a batch deposit given its derived id at once, never both', async () => {
      const account = await traffic.account(customer, 1000);
      for (let round = 0; round < 5; round++) {
        const key = randomUUID();
        const id = deterministicUuid('withdrawal', customer.id, key);
        const [withdrawal, deposit] = await Promise.all([
          traffic.api.post(
            '/api/v1/withdrawals',
            customer.apiKey,
            { accountId: account, amount: 1 },
            {
              'Idempotency-Key': key,
            },
          ),
          batch({ mode: 'independent', items: [{ kind: 'deposit', accountId: account, amount: 1, id }] }),
        ]);
        const written = [withdrawal.status === 202, deposit.body.results[0].status === 'created'];
        expect(written.filter(Boolean)).toHaveLength(1);
        expect(withdrawal.status === 409 || deposit.body.results[0].error?.error === 'transfer_exists').toBe(true);
        const found = await Promise.all(
          (['deposit', 'withdrawal'] as const).map(async (kind) => (await transferOf(kind, id)).status),
        );
        expect(found.sort()).toEqual([200, 404]);
      }
    });
  });
});
