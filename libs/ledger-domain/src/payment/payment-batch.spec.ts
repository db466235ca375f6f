import { AccountEvent, AccountState, evolveAccount, initialAccountState } from '../account/account';
import { AT, decisionSpec } from '../testing/decider-spec';
import { initialPaymentState } from './payment';
import { BatchMode } from '../account/batch';
import { decidePaymentBatch, PaymentBatchStates } from './payment-batch';
import { NewPayment } from './payment-decision';
import { initialMovementIdState, MovementIdState } from '../transfer/movement-id';

const opened = (accountId: string, funds: number, userId = `u-${accountId}`): AccountState =>
  (
    [
      { type: 'AccountOpened', data: { accountId, userId, currency: 'EUR', openedAt: AT } },
      {
        type: 'FundsCredited',
        data: { accountId, amount: String(funds), reference: { type: 'deposit', id: `dep-${accountId}` }, at: AT },
      },
    ] satisfies AccountEvent[]
  ).reduce(evolveAccount, initialAccountState);

const pay = (index: number, payerAccountId: string, payeeAccountId: string, amount: bigint): NewPayment => ({
  paymentId: `pay-${index}`,
  payerAccountId,
  payeeAccountId,
  amount,
  captureMethod: 'automatic',
  captureWindowSeconds: 60,
  description: null,
});
const debit = (accountId: string, index: number, amount: number): AccountEvent => ({
  type: 'FundsDebited',
  data: { accountId, amount: String(amount), reference: { type: 'payment', id: `pay-${index}` }, at: AT },
});
const credit = (accountId: string, index: number, amount: number): AccountEvent => ({
  type: 'FundsCredited',
  data: { accountId, amount: String(amount), reference: { type: 'payment', id: `pay-${index}` }, at: AT },
});

/**
 * given(accounts, who may pay, the ids the caller chose with their claims) / when(mode, items) /
 * then(…) over `decidePaymentBatch`; an id not among `chosen` is one the ledger derived.
 */
const given = (
  accounts: AccountState[],
  mayPayFrom: PaymentBatchStates['mayPayFrom'] = () => true,
  chosen: Record<string, MovementIdState> = {},
) => ({
  when: (mode: BatchMode, items: NewPayment[]) =>
    decisionSpec(expect, (command: NewPayment[], states: PaymentBatchStates, now) =>
      decidePaymentBatch({ batchId: 'batch-1', mode, items: command }, states, now),
    )({
      payments: items.map(() => initialPaymentState),
      claims: items.map((item) => chosen[item.paymentId]),
      accounts: new Map(
        accounts.flatMap((account) => (account.status === 'open' ? [[account.accountId, account]] : [])),
      ),
      mayPayFrom,
    }).when(items),
});

describe('A batch of payments', () => {
  const accounts = [opened('alice', 100), opened('bob', 0), opened('carol', 10)];

  it('decides each item on what the items before it left: the second payment spends what the first brought', () => {
    const { then } = given(accounts).when('atomic', [pay(0, 'carol', 'bob', 10n), pay(1, 'bob', 'alice', 10n)]);
    then({
      items: [expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })],
      recorded: expect.objectContaining({ type: 'PaymentBatchRecorded' }),
      accounts: new Map([
        ['carol', { events: [debit('carol', 0, 10)], checked: true }],
        ['bob', { events: [credit('bob', 0, 10), debit('bob', 1, 10)], checked: true }],
        ['alice', { events: [credit('alice', 1, 10)], checked: false }],
      ]),
    });
  });

  it('refuses an atomic batch as a whole, naming the first item refused', () =>
    given(accounts)
      .when('atomic', [pay(0, 'alice', 'bob', 60n), pay(1, 'alice', 'bob', 60n), pay(2, 'carol', 'carol', 1n)])
      .thenFails('insufficient_funds', { index: 1 }));

  it('writes the items an independent batch accepts, and refuses the others where they stand', () => {
    const decision = decidePaymentBatch(
      {
        batchId: 'batch-1',
        mode: 'independent',
        items: [pay(0, 'alice', 'bob', 60n), pay(1, 'alice', 'bob', 60n), pay(2, 'alice', 'bob', 40n)],
      },
      {
        payments: [0, 1, 2].map(() => initialPaymentState),
        claims: [undefined, undefined, undefined],
        accounts: new Map([
          ['alice', accounts[0]],
          ['bob', accounts[1]],
        ]),
        mayPayFrom: () => true,
      },
      new Date(AT),
    );
    expect(decision).toMatchObject({
      ok: true,
      items: [{ ok: true }, { ok: false, error: { code: 'insufficient_funds' } }, { ok: true }],
    });
    expect(decision.ok && decision.accounts.get('alice')).toEqual({
      events: [debit('alice', 0, 60), debit('alice', 2, 40)],
      checked: true,
    });
    expect(decision.ok && decision.recorded.data).toEqual({
      batchId: 'batch-1',
      mode: 'independent',
      items: [
        { stream: 'payment-pay-0', refusal: null },
        { stream: 'payment-pay-1', refusal: expect.objectContaining({ code: 'insufficient_funds' }) },
        { stream: 'payment-pay-2', refusal: null },
      ],
      at: AT,
    });
  });

  it('treats a payer the caller may not pay from as absent', () =>
    given(accounts, (account) => account.status === 'open' && account.userId === 'u-bob')
      .when('atomic', [pay(0, 'alice', 'bob', 1n)])
      .thenFails('payer_not_found', { index: 0 }));

  it('refuses an item whose payee is unknown, and one paying itself', () => {
    const decision = decidePaymentBatch(
      { batchId: 'batch-1', mode: 'independent', items: [pay(0, 'alice', 'nobody', 1n), pay(1, 'alice', 'alice', 1n)] },
      {
        payments: [initialPaymentState, initialPaymentState],
        claims: [undefined, undefined],
        accounts: new Map([['alice', accounts[0]]]),
        mayPayFrom: () => true,
      },
      new Date(AT),
    );
    expect(decision).toMatchObject({
      ok: true,
      items: [
        { ok: false, error: { code: 'payee_not_found' } },
        { ok: false, error: { code: 'payee_is_payer' } },
      ],
    });
    expect(decision.ok && decision.accounts.size).toBe(0);
  });

  describe('an id the caller chose, unique across payments and transfers (read models key a movement by it)', () => {
    const claimed = (kind: 'deposit' | 'withdrawal' | 'payment'): MovementIdState => ({ status: 'claimed', kind });

    it('claims a chosen id on its own stream with the payment, and a derived id not at all', () => {
      const { then } = given(accounts, undefined, { 'pay-0': initialMovementIdState }).when('atomic', [
        pay(0, 'alice', 'bob', 1n),
        pay(1, 'alice', 'bob', 1n),
      ]);
      then({
        items: [
          {
            ok: true,
            events: expect.any(Array),
            others: [
              {
                stream: 'movementid-pay-0',
                events: [{ type: 'MovementIdClaimed', data: { movementId: 'pay-0', kind: 'payment', at: AT } }],
              },
            ],
          },
          { ok: true, events: expect.any(Array) },
        ],
        recorded: expect.anything(),
        accounts: expect.anything(),
      });
    });

    it('refuses payment_exists an item whose chosen id a deposit, a withdrawal or a payment claimed, and moves nothing for it', () => {
      const taken = { 'pay-0': claimed('deposit'), 'pay-1': claimed('withdrawal'), 'pay-2': claimed('payment') };
      const chosen = { ...taken, 'pay-3': initialMovementIdState };
      const items = [0, 1, 2, 3].map((index) => pay(index, 'alice', 'bob', 10n));
      const decision = decidePaymentBatch(
        { batchId: 'batch-1', mode: 'independent', items },
        {
          payments: items.map(() => initialPaymentState),
          claims: items.map((item) => chosen[item.paymentId as keyof typeof chosen]),
          accounts: new Map([
            ['alice', accounts[0]],
            ['bob', accounts[1]],
          ]),
          mayPayFrom: () => true,
        },
        new Date(AT),
      );
      expect(decision).toMatchObject({
        ok: true,
        items: [0, 1, 2].map(() => ({ ok: false, error: { code: 'payment_exists' } })).concat([{ ok: true } as never]),
      });
      expect(decision.ok && decision.accounts.get('alice')).toEqual({ events: [debit('alice', 3, 10)], checked: true });
      given(accounts, undefined, chosen).when('atomic', items).thenFails('payment_exists', { index: 0 });
    });

    it('refuses an item whose chosen id an item before it claimed', () =>
      given(accounts, undefined, { 'pay-0': initialMovementIdState })
        .when('atomic', [pay(0, 'alice', 'bob', 1n), pay(0, 'alice', 'bob', 1n)])
        .thenFails('payment_exists', { index: 1 }));
  });
});
