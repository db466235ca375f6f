import { Currency } from '../money/currency';
import { accept, assertNever, Decision, reject } from '../shared/result';

export type PaymentStatus = 'authorized' | 'captured' | 'partially_refunded' | 'refunded' | 'voided' | 'expired';
export type CaptureMethod = 'automatic' | 'manual';

export type PaymentEvent =
  | {
      type: 'PaymentAuthorized';
      data: {
        paymentId: string;
        payerAccountId: string;
        payeeAccountId: string;
        payerUserId: string;
        payeeUserId: string;
        amount: string;
        currency: Currency;
        captureMethod: CaptureMethod;
        captureExpiresAt: string | null;
        description: string | null;
        at: string;
      };
    }
  | { type: 'PaymentCaptured'; data: { paymentId: string; amount: string; at: string } }
  | { type: 'PaymentVoided'; data: { paymentId: string; at: string } }
  | { type: 'PaymentExpired'; data: { paymentId: string; at: string } }
  | {
      type: 'PaymentRefunded';
      data: { paymentId: string; refundId: string; amount: string; reason: string | null; at: string };
    };

/** Every payment event type, for readers of `$all` that pick payment events out of the rest. */
export const PAYMENT_EVENT_TYPES: ReadonlySet<string> = new Set<string>([
  'PaymentAuthorized',
  'PaymentCaptured',
  'PaymentVoided',
  'PaymentExpired',
  'PaymentRefunded',
] satisfies PaymentEvent['type'][]);

export type PaymentCommand =
  | {
      type: 'AuthorizePayment';
      paymentId: string;
      payerAccountId: string;
      payeeAccountId: string;
      payerUserId: string;
      payeeUserId: string;
      amount: bigint;
      currency: Currency;
      captureMethod: CaptureMethod;
      captureWindowSeconds: number;
      description: string | null;
    }
  | { type: 'CapturePayment'; amount?: bigint }
  | { type: 'VoidPayment' }
  | { type: 'ExpirePayment' }
  | { type: 'RefundPayment'; refundId: string; amount?: bigint; reason: string | null };

export type PaymentErrorCode =
  | 'payment_exists'
  | 'payment_not_found'
  | 'invalid_payment_state'
  | 'capture_window_expired'
  | 'amount_exceeds_authorized'
  | 'amount_exceeds_refundable';

export type PaymentState =
  | { status: 'none' }
  | {
      status: PaymentStatus;
      paymentId: string;
      payerAccountId: string;
      payeeAccountId: string;
      payerUserId: string;
      payeeUserId: string;
      currency: Currency;
      captureMethod: CaptureMethod;
      authorizedAmount: bigint;
      capturedAmount: bigint;
      refundedAmount: bigint;
      captureExpiresAt: string | null;
      description: string | null;
      createdAt: string;
      updatedAt: string;
    };

export const initialPaymentState: PaymentState = { status: 'none' };

type TransitionCommand = Exclude<PaymentCommand['type'], 'AuthorizePayment'>;

/** Which commands each state accepts: the transition table, as data. */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly TransitionCommand[]>> = {
  authorized: ['CapturePayment', 'VoidPayment', 'ExpirePayment'],
  captured: ['RefundPayment'],
  partially_refunded: ['RefundPayment'],
  // Nothing is left to refund, which the refund itself reports (amount_exceeds_refundable).
  refunded: ['RefundPayment'],
  voided: [],
  expired: [],
};

/** Whether the capture window of an authorization has closed at `now`. */
export function captureWindowClosed(state: PaymentState, now: Date): boolean {
  return (
    state.status === 'authorized' &&
    state.captureExpiresAt !== null &&
    now.getTime() >= Date.parse(state.captureExpiresAt)
  );
}

export function decidePayment(
  command: PaymentCommand,
  state: PaymentState,
  now: Date,
): Decision<PaymentEvent, PaymentErrorCode> {
  const at = now.toISOString();
  if (command.type === 'AuthorizePayment') {
    if (state.status !== 'none') return reject('payment_exists', 'The payment already exists.');
    const { paymentId, captureMethod } = command;
    const manual = captureMethod === 'manual';
    const authorized: PaymentEvent = {
      type: 'PaymentAuthorized',
      data: {
        paymentId,
        payerAccountId: command.payerAccountId,
        payeeAccountId: command.payeeAccountId,
        payerUserId: command.payerUserId,
        payeeUserId: command.payeeUserId,
        amount: command.amount.toString(),
        currency: command.currency,
        captureMethod,
        captureExpiresAt: manual ? new Date(now.getTime() + command.captureWindowSeconds * 1000).toISOString() : null,
        description: command.description,
        at,
      },
    };
    const captured: PaymentEvent = {
      type: 'PaymentCaptured',
      data: { paymentId, amount: command.amount.toString(), at },
    };
    return manual ? accept<PaymentEvent>(authorized) : accept<PaymentEvent>(authorized, captured);
  }
  if (state.status === 'none') return reject('payment_not_found', 'No such payment.');
  if (command.type === 'CapturePayment' && state.status === 'expired') {
    return reject('capture_window_expired', 'The capture window has closed.');
  }
  if (!PAYMENT_TRANSITIONS[state.status].includes(command.type)) {
    const article = /^[aeiou]/.test(state.status) ? 'An' : 'A';
    return reject('invalid_payment_state', `${article} ${state.status} payment does not accept that.`);
  }
  const { paymentId } = state;
  switch (command.type) {
    case 'CapturePayment': {
      if (captureWindowClosed(state, now)) return reject('capture_window_expired', 'The capture window has closed.');
      const amount = command.amount ?? state.authorizedAmount;
      if (amount > state.authorizedAmount) {
        return reject('amount_exceeds_authorized', 'The capture is larger than the authorization.');
      }
      return accept({ type: 'PaymentCaptured', data: { paymentId, amount: amount.toString(), at } });
    }
    case 'VoidPayment':
      return accept({ type: 'PaymentVoided', data: { paymentId, at } });
    case 'ExpirePayment':
      if (!captureWindowClosed(state, now)) return reject('invalid_payment_state', 'The capture window is still open.');
      return accept({ type: 'PaymentExpired', data: { paymentId, at } });
    case 'RefundPayment': {
      const refundable = state.capturedAmount - state.refundedAmount;
      const amount = command.amount ?? refundable;
      // Nothing left to refund is refused too: a zero amount never becomes an event.
      if (amount > refundable || amount <= 0n)
        return reject('amount_exceeds_refundable', 'The refund is larger than what is left to refund.');
      return accept({
        type: 'PaymentRefunded',
        data: { paymentId, refundId: command.refundId, amount: amount.toString(), reason: command.reason, at },
      });
    }
    default:
      return assertNever(command);
  }
}

export function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  if (event.type === 'PaymentAuthorized') {
    const data = event.data;
    return {
      status: 'authorized',
      paymentId: data.paymentId,
      payerAccountId: data.payerAccountId,
      payeeAccountId: data.payeeAccountId,
      payerUserId: data.payerUserId,
      payeeUserId: data.payeeUserId,
      currency: data.currency,
      captureMethod: data.captureMethod,
      authorizedAmount: BigInt(data.amount),
      capturedAmount: 0n,
      refundedAmount: 0n,
      captureExpiresAt: data.captureExpiresAt,
      description: data.description,
      createdAt: data.at,
      updatedAt: data.at,
    };
  }
  if (state.status === 'none') return state;
  const updatedAt = event.data.at;
  switch (event.type) {
    case 'PaymentCaptured':
      return { ...state, status: 'captured', capturedAmount: BigInt(event.data.amount), updatedAt };
    case 'PaymentVoided':
      return { ...state, status: 'voided', updatedAt };
    case 'PaymentExpired':
      return { ...state, status: 'expired', updatedAt };
    case 'PaymentRefunded': {
      const refundedAmount = state.refundedAmount + BigInt(event.data.amount);
      const status = refundedAmount >= state.capturedAmount ? 'refunded' : 'partially_refunded';
      return { ...state, status, refundedAmount, updatedAt };
    }
    default:
      return assertNever(event);
  }
}

export const paymentStreamName = (paymentId: string) => `payment-${paymentId}`;
