import { randomUUID } from 'node:crypto';
import { eventually } from '../../../../../test/eventually';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../../test/ledger-traffic';

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
});
