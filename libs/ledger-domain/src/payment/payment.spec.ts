import { AT, deciderSpec, NOW } from '../testing/decider-spec';
import { paymentAuthorized } from '../testing/fixtures';
import {
  decidePayment,
  evolvePayment,
  initialPaymentState,
  PAYMENT_TRANSITIONS,
  PaymentCommand,
  PaymentEvent,
  PaymentState,
  PaymentStatus,
} from './payment';

const paymentId = 'pay-1';
const spec = deciderSpec(expect, decidePayment, evolvePayment, initialPaymentState);
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();

const authorize = (captureMethod: 'manual' | 'automatic'): Extract<PaymentCommand, { type: 'AuthorizePayment' }> => ({
  type: 'AuthorizePayment',
  paymentId,
  payerAccountId: 'payer',
  payeeAccountId: 'payee',
  payerUserId: 'u-payer',
  payeeUserId: 'u-payee',
  amount: 100n,
  currency: 'EUR',
  captureMethod,
  captureWindowSeconds: 60,
  description: null,
});
const authorized = paymentAuthorized(paymentId, 'manual');
const captured = (amount: number): PaymentEvent => ({
  type: 'PaymentCaptured',
  data: { paymentId, amount: String(amount), at: AT },
});
const refunded = (refundId: string, amount: number): PaymentEvent => ({
  type: 'PaymentRefunded',
  data: { paymentId, refundId, amount: String(amount), reason: null, at: AT },
});

/** Events that bring a payment into each state. */
const reach: Record<PaymentStatus, PaymentEvent[]> = {
  authorized: [authorized],
  captured: [authorized, captured(100)],
  partially_refunded: [authorized, captured(100), refunded('r-1', 40)],
  refunded: [authorized, captured(100), refunded('r-1', 100)],
  voided: [authorized, { type: 'PaymentVoided', data: { paymentId, at: AT } }],
  expired: [authorized, { type: 'PaymentExpired', data: { paymentId, at: AT } }],
};

describe('Payment', () => {
  it('authorizes a manual payment with its capture window', () =>
    spec([]).when(authorize('manual')).then([authorized]));

  it('captures an automatic payment at once', () =>
    spec([])
      .when(authorize('automatic'))
      .then([paymentAuthorized(paymentId, 'automatic'), captured(100)]));

  describe('every (state, command) cell of the transition table', () => {
    const commands: PaymentCommand[] = [
      { type: 'CapturePayment' },
      { type: 'VoidPayment' },
      { type: 'ExpirePayment' },
      { type: 'RefundPayment', refundId: 'r-9', amount: 10n, reason: null },
    ];
    const cells = (Object.keys(reach) as PaymentStatus[]).flatMap((status) =>
      commands.map((command) => [status, command] as const),
    );

    it.each(cells)('%s + %o', (status, command) => {
      const state = reach[status].reduce(evolvePayment, initialPaymentState);
      // Expiry is only allowed once the window has closed: decide it after the window.
      const now = command.type === 'ExpirePayment' ? new Date(Date.parse(later(60))) : NOW;
      const decision = decidePayment(command, state, now);
      const allowed = PAYMENT_TRANSITIONS[status].includes(command.type as never);
      if (status === 'refunded' && command.type === 'RefundPayment') {
        expect(decision).toMatchObject({ ok: false, error: { code: 'amount_exceeds_refundable' } });
      } else if (status === 'expired' && command.type === 'CapturePayment') {
        expect(decision).toMatchObject({ ok: false, error: { code: 'capture_window_expired' } });
      } else if (allowed) {
        expect(decision.ok).toBe(true);
      } else {
        expect(decision).toMatchObject({ ok: false, error: { code: 'invalid_payment_state' } });
        expect(!decision.ok && decision.error.message).toMatch(
          /^(An (authorized|expired)|A (captured|partially_refunded|refunded|voided)) payment /,
        );
      }
    });
  });

  it('captures part of an authorization, not more than it', () => {
    spec([authorized])
      .when({ type: 'CapturePayment', amount: 60n })
      .then([captured(60)]);
    spec([authorized]).when({ type: 'CapturePayment', amount: 101n }).thenFails('amount_exceeds_authorized');
  });

  it('refuses a capture at or after captureExpiresAt, and expiry before it', () => {
    const state = [authorized].reduce(evolvePayment, initialPaymentState);
    expect(decidePayment({ type: 'CapturePayment' }, state, new Date(Date.parse(later(60))))).toMatchObject({
      ok: false,
      error: { code: 'capture_window_expired' },
    });
    expect(decidePayment({ type: 'ExpirePayment' }, state, new Date(Date.parse(later(59))))).toMatchObject({
      ok: false,
    });
  });

  it('refunds in parts up to what was captured, then is refunded', () => {
    const events = [authorized, captured(100), refunded('r-1', 30), refunded('r-2', 30)];
    spec(events)
      .when({ type: 'RefundPayment', refundId: 'r-3', amount: 41n, reason: null })
      .thenFails('amount_exceeds_refundable');
    const state = [...events, refunded('r-3', 40)].reduce(evolvePayment, initialPaymentState) as Exclude<
      PaymentState,
      { status: 'none' }
    >;
    expect(state).toMatchObject({ status: 'refunded', capturedAmount: 100n, refundedAmount: 100n });
    const partial = [authorized, captured(60)].reduce(evolvePayment, initialPaymentState);
    expect(decidePayment({ type: 'RefundPayment', refundId: 'r-4', reason: null }, partial, NOW)).toMatchObject({
      ok: true,
      events: [{ data: { amount: '60' } }],
    });
  });

  it.each([
    ['no amount, nothing left', [authorized, captured(100), refunded('r-1', 100)], undefined],
    ['a zero amount', [authorized, captured(100)], 0n],
    ['a negative amount', [authorized, captured(100), refunded('r-1', 40)], -1n],
  ])('refuses a refund of %s: a zero amount never becomes an event', (_case, events, amount) =>
    spec(events)
      .when({ type: 'RefundPayment', refundId: 'r-9', amount, reason: null })
      .thenFails('amount_exceeds_refundable'),
  );
});
