import { AccountErrorCode, AccountEvent, AccountState } from '../account/account';
import {
  CaptureMethod,
  captureWindowClosed,
  decidePayment,
  PaymentCommand,
  PaymentErrorCode,
  PaymentEvent,
  PaymentState,
} from './payment';
import { settlePayment } from './payment-movements';
import { Decision, DomainError, reject } from '../shared/result';

/** Everything a payment command is decided on: the payment and both parties' accounts. */
export interface PaymentStates {
  payment: PaymentState;
  payer: AccountState;
  payee: AccountState;
}

/**
 * What a payment command writes, per stream. The sides in `checked` had their funds checked (a
 * hold, a debit): they must be appended at the exact revision they were read at.
 */
export interface PaymentWrites {
  payment: PaymentEvent[];
  payer: AccountEvent[];
  payee: AccountEvent[];
  checked: { payer: boolean; payee: boolean };
}

export type PaymentRefusalCode =
  PaymentErrorCode | AccountErrorCode | 'payee_is_payer' | 'payer_not_found' | 'payee_not_found' | 'currency_mismatch';

export type PaymentDecision =
  | { ok: true; writes: PaymentWrites }
  | {
      ok: false;
      error: DomainError<PaymentRefusalCode>;
      /** Written before the refusal is answered: a capture that comes too late expires the payment. */
      expiry?: PaymentWrites;
    };

/** A command on a payment that exists. */
export type PaymentChangeCommand = Exclude<PaymentCommand, { type: 'AuthorizePayment' }>;

/** Who asks for a change to a payment: a user (an admin or not), or the ledger itself (expiry). */
export type PaymentRequester = { userId: string; admin: boolean } | 'ledger';

/** Which parties may ask for each change; admins and the ledger may ask for any. */
const PARTIES_ALLOWED: Record<PaymentChangeCommand['type'], readonly ('payer' | 'payee')[]> = {
  CapturePayment: ['payee'],
  RefundPayment: ['payee'],
  VoidPayment: ['payer', 'payee'],
  ExpirePayment: [],
};

/**
 * Whether the payment exists and `requester` may ask for `command` on it; to anyone who may not,
 * it does not exist.
 */
export function mayChangePayment(
  requester: PaymentRequester,
  command: PaymentChangeCommand,
  payment: PaymentState,
): payment is Exclude<PaymentState, { status: 'none' }> {
  if (payment.status === 'none') return false;
  if (requester === 'ledger' || requester.admin) return true;
  return PARTIES_ALLOWED[command.type].some(
    (party) => requester.userId === (party === 'payer' ? payment.payerUserId : payment.payeeUserId),
  );
}

/** A payment as its payer asks for it; the parties' users and the currency come from their accounts. */
export interface NewPayment {
  paymentId: string;
  payerAccountId: string;
  payeeAccountId: string;
  amount: bigint;
  captureMethod: CaptureMethod;
  captureWindowSeconds: number;
  description: string | null;
}

/**
 * A new payment between two open accounts of one currency, with the money it moves at once (a
 * hold, or a debit and a credit): all of it or, with the first refusal, nothing.
 */
export function decideNewPayment(request: NewPayment, states: PaymentStates, now: Date): PaymentDecision {
  const { payer, payee } = states;
  if (request.payeeAccountId === request.payerAccountId) {
    return reject('payee_is_payer', 'payeeAccountId must differ from payerAccountId', 'payeeAccountId');
  }
  if (payer.status !== 'open') return reject('payer_not_found', 'No such payer account.');
  if (payee.status !== 'open') return reject('payee_not_found', 'No such payee account.');
  if (payer.currency !== payee.currency) {
    return reject('currency_mismatch', 'Payer and payee accounts hold different currencies.');
  }
  const authorize: PaymentCommand = {
    type: 'AuthorizePayment',
    ...request,
    payerUserId: payer.userId,
    payeeUserId: payee.userId,
    currency: payer.currency,
  };
  return withMoney(decidePayment(authorize, states.payment, now), states, now);
}

/**
 * A capture, void, expiry or refund of a payment, with the money it moves. A capture at or after
 * the end of its window expires the authorization (releasing its hold) and is then refused.
 */
export function decidePaymentChange(command: PaymentChangeCommand, states: PaymentStates, now: Date): PaymentDecision {
  if (command.type === 'CapturePayment' && captureWindowClosed(states.payment, now)) {
    const expiry = withMoney(decidePayment({ type: 'ExpirePayment' }, states.payment, now), states, now);
    if (!expiry.ok) return expiry;
    return { ...reject('capture_window_expired', 'The capture window has closed.'), expiry: expiry.writes };
  }
  return withMoney(decidePayment(command, states.payment, now), states, now);
}

/** A payment decision together with the account events its payment events cause. */
function withMoney(
  decision: Decision<PaymentEvent, PaymentErrorCode>,
  { payment, payer, payee }: PaymentStates,
  now: Date,
): PaymentDecision {
  if (!decision.ok) return decision;
  const settled = settlePayment(payment, decision.events, { payer, payee }, now);
  if (!settled.ok) return settled;
  return { ok: true, writes: { payment: decision.events, ...settled.settlement } };
}
