import { AccountEvent, evolveAccount, initialAccountState } from '../account/account';
import { Currency } from '../money/currency';
import { AT, decisionSpec, NOW } from '../testing/decider-spec';
import { paymentAuthorized } from '../testing/fixtures';
import { evolvePayment, initialPaymentState, PaymentEvent } from './payment';
import {
  decideNewPayment,
  decidePaymentChange,
  mayChangePayment,
  NewPayment,
  PaymentChangeCommand,
  PaymentRequester,
  PaymentStates,
} from './payment-decision';

const paymentId = 'pay-1';
const payment = { type: 'payment' as const, id: paymentId };
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

/** The streams a payment command reads, as their histories. */
interface Histories {
  payment?: PaymentEvent[];
  payer?: AccountEvent[];
  payee?: AccountEvent[];
}
const statesAfter = (histories: Histories): PaymentStates => ({
  payment: (histories.payment ?? []).reduce(evolvePayment, initialPaymentState),
  payer: (histories.payer ?? []).reduce(evolveAccount, initialAccountState),
  payee: (histories.payee ?? []).reduce(evolveAccount, initialAccountState),
});

const opened = (accountId: string, funds: number, currency: Currency = 'EUR'): AccountEvent[] => [
  { type: 'AccountOpened', data: { accountId, userId: `u-${accountId}`, currency, openedAt: AT } },
  {
    type: 'FundsCredited',
    data: { accountId, amount: String(funds), reference: { type: 'deposit', id: `dep-${accountId}` }, at: AT },
  },
];
const request = (captureMethod: 'manual' | 'automatic', amount = 100n): NewPayment => ({
  paymentId,
  payerAccountId: 'payer',
  payeeAccountId: 'payee',
  amount,
  captureMethod,
  captureWindowSeconds: 60,
  description: null,
});
const authorized = (captureMethod: 'manual' | 'automatic') => paymentAuthorized(paymentId, captureMethod);
const captured = (amount: number): PaymentEvent => ({
  type: 'PaymentCaptured',
  data: { paymentId, amount: String(amount), at: AT },
});
const held: AccountEvent = {
  type: 'FundsHeld',
  data: { accountId: 'payer', holdId: paymentId, amount: '100', reference: payment, at: AT },
};

describe('A new payment', () => {
  const given = (histories: Histories) =>
    decisionSpec(expect, (command: NewPayment, states: PaymentStates, now) => decideNewPayment(command, states, now))(
      statesAfter(histories),
    );
  const funded = { payer: opened('payer', 100), payee: opened('payee', 0) };

  it('holds a manual payment on the payer, appended at the revision its funds were checked on', () =>
    given(funded)
      .when(request('manual'))
      .then({
        writes: { payment: [authorized('manual')], payer: [held], payee: [], checked: { payer: true, payee: false } },
      }));

  it('moves an automatic payment at once: the payer debited, the payee credited', () =>
    given(funded)
      .when(request('automatic'))
      .then({
        writes: {
          payment: [authorized('automatic'), captured(100)],
          payer: [{ type: 'FundsDebited', data: { accountId: 'payer', amount: '100', reference: payment, at: AT } }],
          payee: [{ type: 'FundsCredited', data: { accountId: 'payee', amount: '100', reference: payment, at: AT } }],
          checked: { payer: true, payee: false },
        },
      }));

  it('refuses a payee that is the payer, naming the field, before looking at the accounts', () =>
    given({})
      .when({ ...request('manual'), payeeAccountId: 'payer' })
      .thenFails('payee_is_payer', { error: { field: 'payeeAccountId' } }));

  it.each([
    ['payer_not_found', { payee: opened('payee', 0) }],
    ['payee_not_found', { payer: opened('payer', 100) }],
  ])('refuses with %s when that account is not open', (code, histories) =>
    given(histories).when(request('manual')).thenFails(code),
  );

  it('refuses accounts of different currencies', () =>
    given({ payer: opened('payer', 100), payee: opened('payee', 0, 'USD') })
      .when(request('automatic'))
      .thenFails('currency_mismatch'));

  it('refuses more than the payer has available, and moves nothing', () =>
    given(funded).when(request('automatic', 101n)).thenFails('insufficient_funds'));
});

describe('A change to a payment', () => {
  const given = (histories: Histories) =>
    decisionSpec(
      expect,
      decidePaymentChange,
    )({
      ...statesAfter({ payer: opened('payer', 100), payee: opened('payee', 0), ...histories }),
    });
  const manual = { payment: [authorized('manual')], payer: [...opened('payer', 100), held] };

  it('captures part of an authorization: the payer settles that part, the rest is released, the payee credited', () =>
    given(manual)
      .when({ type: 'CapturePayment', amount: 60n })
      .then({
        writes: {
          payment: [captured(60)],
          payer: [
            {
              type: 'HoldSettled',
              data: { accountId: 'payer', holdId: paymentId, amount: '60', released: '40', at: AT },
            },
          ],
          payee: [{ type: 'FundsCredited', data: { accountId: 'payee', amount: '60', reference: payment, at: AT } }],
          checked: { payer: false, payee: false },
        },
      }));

  it('expires an authorization captured too late, releasing its hold, then refuses the capture', () =>
    given(manual)
      .when({ type: 'CapturePayment' }, later(60))
      .thenFails('capture_window_expired', {
        expiry: {
          payment: [{ type: 'PaymentExpired', data: { paymentId, at: later(60).toISOString() } }],
          payer: [
            {
              type: 'HoldReleased',
              data: { accountId: 'payer', holdId: paymentId, amount: '100', at: later(60).toISOString() },
            },
          ],
          payee: [],
        },
      }));

  it('refuses a capture of an expired payment, with nothing more to record', () => {
    const expired: PaymentEvent = { type: 'PaymentExpired', data: { paymentId, at: AT } };
    const decision = decidePaymentChange(
      { type: 'CapturePayment' },
      statesAfter({ payment: [authorized('manual'), expired] }),
      NOW,
    );
    expect(decision).toEqual({ ok: false, error: expect.objectContaining({ code: 'capture_window_expired' }) });
  });

  const paid = {
    payment: [authorized('automatic'), captured(100)],
    payer: opened('payer', 0),
    payee: opened('payee', 100),
  };

  it('refunds from the payee, checked for funds, to the payer', () => {
    const refund = { type: 'refund' as const, id: 'r-1' };
    given(paid)
      .when({ type: 'RefundPayment', refundId: 'r-1', amount: 30n, reason: null })
      .then({
        writes: {
          payment: [
            { type: 'PaymentRefunded', data: { paymentId, refundId: 'r-1', amount: '30', reason: null, at: AT } },
          ],
          payee: [{ type: 'FundsDebited', data: { accountId: 'payee', amount: '30', reference: refund, at: AT } }],
          payer: [{ type: 'FundsCredited', data: { accountId: 'payer', amount: '30', reference: refund, at: AT } }],
          checked: { payer: false, payee: true },
        },
      });
  });

  it('refuses a refund the payee cannot cover', () =>
    given({ ...paid, payee: opened('payee', 20) })
      .when({ type: 'RefundPayment', refundId: 'r-1', amount: 30n, reason: null })
      .thenFails('insufficient_funds'));

  it('refuses a refund of more than is left to refund', () =>
    given(paid)
      .when({ type: 'RefundPayment', refundId: 'r-1', amount: 101n, reason: null })
      .thenFails('amount_exceeds_refundable'));
});

describe('Who may change a payment', () => {
  const { payment } = statesAfter({ payment: [authorized('manual')] });
  const requesters: Record<string, PaymentRequester> = {
    'the payer': { userId: 'u-payer', admin: false },
    'the payee': { userId: 'u-payee', admin: false },
    'a stranger': { userId: 'u-other', admin: false },
    'an admin': { userId: 'u-admin', admin: true },
    'the ledger': 'ledger',
  };
  const commands: Record<PaymentChangeCommand['type'], PaymentChangeCommand> = {
    CapturePayment: { type: 'CapturePayment' },
    VoidPayment: { type: 'VoidPayment' },
    RefundPayment: { type: 'RefundPayment', refundId: 'r-1', reason: null },
    ExpirePayment: { type: 'ExpirePayment' },
  };

  it.each<[string, PaymentChangeCommand['type'], boolean]>([
    ['the payee', 'CapturePayment', true],
    ['the payer', 'CapturePayment', false],
    ['the payee', 'RefundPayment', true],
    ['the payer', 'RefundPayment', false],
    ['the payer', 'VoidPayment', true],
    ['the payee', 'VoidPayment', true],
    ['a stranger', 'VoidPayment', false],
    ['an admin', 'CapturePayment', true],
    ['the ledger', 'ExpirePayment', true],
    ['the payee', 'ExpirePayment', false],
  ])('%s asking for %s: allowed %s', (who, type, allowed) =>
    expect(mayChangePayment(requesters[who], commands[type], payment)).toBe(allowed),
  );

  it('lets no one change a payment that does not exist', () =>
    expect(mayChangePayment('ledger', commands.CapturePayment, initialPaymentState)).toBe(false));
});
