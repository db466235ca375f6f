import fc from 'fast-check';
import { AccountEvent, AccountState, availableAmount, evolveAccount, initialAccountState } from '../account/account';
import { NOW } from '../testing/decider-spec';
import {
  decidePayment,
  evolvePayment,
  initialPaymentState,
  PaymentCommand,
  PaymentEvent,
  PaymentState,
} from './payment';
import { settlePayment } from './payment-movements';

const ACCOUNTS = 4;
const FUNDS = 300n;

type Step =
  | { type: 'pay'; payer: number; payee: number; amount: number; manual: boolean }
  | { type: 'capture'; payment: number; part: number }
  | { type: 'void'; payment: number }
  | { type: 'expire'; payment: number }
  | { type: 'refund'; payment: number; amount: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    type: fc.constant('pay' as const),
    payer: fc.nat({ max: ACCOUNTS - 1 }),
    payee: fc.nat({ max: ACCOUNTS - 1 }),
    amount: fc.integer({ min: 1, max: 200 }),
    manual: fc.boolean(),
  }),
  fc.record({ type: fc.constant('capture' as const), payment: fc.nat(), part: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ type: fc.constant('void' as const), payment: fc.nat() }),
  fc.record({ type: fc.constant('expire' as const), payment: fc.nat() }),
  fc.record({ type: fc.constant('refund' as const), payment: fc.nat(), amount: fc.integer({ min: 1, max: 150 }) }),
);

const AFTER_WINDOW = new Date(NOW.getTime() + 120_000);

/**
 * Random interleavings of payments, captures, voids, expiries and refunds across accounts, each
 * decided and settled as the handlers' deciders do (decidePayment, then settlePayment).
 */
function play(steps: Step[]) {
  const accountEvents: AccountEvent[][] = Array.from({ length: ACCOUNTS }, (_, index) => [
    { type: 'AccountOpened', data: { accountId: `a${index}`, userId: `u${index}`, currency: 'EUR', openedAt: '' } },
    {
      type: 'FundsCredited',
      data: {
        accountId: `a${index}`,
        amount: FUNDS.toString(),
        reference: { type: 'deposit', id: `d${index}` },
        at: '',
      },
    },
  ]);
  const accounts: AccountState[] = accountEvents.map((events) => events.reduce(evolveAccount, initialAccountState));
  const paymentEvents: PaymentEvent[][] = [];
  const payments: { state: PaymentState; payer: number; payee: number }[] = [];

  for (const current of steps) {
    let command: PaymentCommand;
    let target: { state: PaymentState; payer: number; payee: number };
    let index: number;
    if (current.type === 'pay') {
      if (current.payer === current.payee) continue;
      index = payments.length;
      target = { state: initialPaymentState, payer: current.payer, payee: current.payee };
      command = {
        type: 'AuthorizePayment',
        paymentId: `p${index}`,
        payerAccountId: `a${current.payer}`,
        payeeAccountId: `a${current.payee}`,
        payerUserId: `u${current.payer}`,
        payeeUserId: `u${current.payee}`,
        amount: BigInt(current.amount),
        currency: 'EUR',
        captureMethod: current.manual ? 'manual' : 'automatic',
        captureWindowSeconds: 60,
        description: null,
      };
    } else {
      if (payments.length === 0) continue;
      index = current.payment % payments.length;
      target = payments[index];
      const state = target.state;
      const authorized = state.status === 'none' ? 0n : state.authorizedAmount;
      command =
        current.type === 'capture'
          ? { type: 'CapturePayment', amount: (authorized * BigInt(current.part)) / 100n || 1n }
          : current.type === 'void'
            ? { type: 'VoidPayment' }
            : current.type === 'expire'
              ? { type: 'ExpirePayment' }
              : {
                  type: 'RefundPayment',
                  refundId: `r${index}-${current.amount}`,
                  amount: BigInt(current.amount),
                  reason: null,
                };
    }
    const now = current.type === 'expire' ? AFTER_WINDOW : NOW;
    const decision = decidePayment(command, target.state, now);
    if (!decision.ok) continue;
    const settled = settlePayment(
      target.state,
      decision.events,
      { payer: accounts[target.payer], payee: accounts[target.payee] },
      now,
    );
    if (!settled.ok) {
      expect(settled.error.code).toBe('insufficient_funds');
      continue; // refused as a whole: nothing recorded anywhere
    }
    for (const side of ['payer', 'payee'] as const) {
      const accountIndex = target[side];
      accountEvents[accountIndex].push(...settled.settlement[side]);
      accounts[accountIndex] = settled.settlement[side].reduce(evolveAccount, accounts[accountIndex]);
    }
    const state = decision.events.reduce(evolvePayment, target.state);
    if (current.type === 'pay') {
      payments.push({ ...target, state });
      paymentEvents.push([...decision.events]);
    } else {
      payments[index] = { ...target, state };
      paymentEvents[index].push(...decision.events);
    }

    // Invariants after every step.
    for (const account of accounts) expect(availableAmount(account)).toBeGreaterThanOrEqual(0n);
    for (const { state: payment } of payments) {
      if (payment.status === 'none') continue;
      expect(payment.capturedAmount).toBeLessThanOrEqual(payment.authorizedAmount);
      expect(payment.refundedAmount).toBeLessThanOrEqual(payment.capturedAmount);
    }
    // Money is neither made nor lost: balances still add up to what the bank brought in.
    const total = accounts.reduce((sum, account) => sum + (account.status === 'open' ? account.ledger : 0n), 0n);
    expect(total).toBe(FUNDS * BigInt(ACCOUNTS));
  }

  // Replay equals the state built step by step.
  accountEvents.forEach((events, index) =>
    expect(events.reduce(evolveAccount, initialAccountState)).toEqual(accounts[index]),
  );
  paymentEvents.forEach((events, index) =>
    expect(events.reduce(evolvePayment, initialPaymentState)).toEqual(payments[index].state),
  );
}

describe('payments across accounts (property)', () => {
  it('keep available ≥ 0, captured ≤ authorized, refunded ≤ captured, money conserved, replay = state', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 80 }), play), { numRuns: 300 });
  });
});
