import {
  AccountCommand,
  AccountErrorCode,
  AccountEvent,
  AccountState,
  decideAccount,
  evolveAccount,
} from '../account/account';
import { assertNever, Decision, DomainError } from '../shared/result';
import { evolvePayment, PaymentEvent, PaymentState } from './payment';

/** Which side of a payment an account command applies to. */
export interface PaymentMovement {
  side: 'payer' | 'payee';
  command: AccountCommand;
}

/**
 * The money each payment event moves, given the payment as it was before the event. Manual
 * payments hold on authorization and settle the captured part (releasing the rest); automatic
 * ones debit at once. The hold's id is the payment's.
 */
export function paymentMovements(before: PaymentState, event: PaymentEvent): PaymentMovement[] {
  switch (event.type) {
    case 'PaymentAuthorized': {
      const amount = BigInt(event.data.amount);
      const reference = { type: 'payment' as const, id: event.data.paymentId };
      return [
        {
          side: 'payer',
          command:
            event.data.captureMethod === 'manual'
              ? { type: 'HoldFunds', holdId: event.data.paymentId, amount, reference }
              : { type: 'DebitFunds', amount, reference },
        },
      ];
    }
    case 'PaymentCaptured': {
      const amount = BigInt(event.data.amount);
      const reference = { type: 'payment' as const, id: event.data.paymentId };
      const credit: PaymentMovement = { side: 'payee', command: { type: 'CreditFunds', amount, reference } };
      // An automatic payment's debit came with its authorization; a manual one settles its hold.
      const automatic = before.status === 'none' || before.captureMethod === 'automatic';
      return automatic
        ? [credit]
        : [{ side: 'payer', command: { type: 'SettleHold', holdId: event.data.paymentId, amount } }, credit];
    }
    case 'PaymentVoided':
    case 'PaymentExpired':
      return [{ side: 'payer', command: { type: 'ReleaseHold', holdId: event.data.paymentId } }];
    case 'PaymentRefunded': {
      const amount = BigInt(event.data.amount);
      const reference = { type: 'refund' as const, id: event.data.refundId };
      return [
        { side: 'payee', command: { type: 'DebitFunds', amount, reference } },
        { side: 'payer', command: { type: 'CreditFunds', amount, reference } },
      ];
    }
    default:
      return assertNever(event);
  }
}

export interface PaymentSettlement {
  payer: AccountEvent[];
  payee: AccountEvent[];
  /** Which sides had funds checked (a hold or a debit): they must be appended at their exact revision. */
  checked: { payer: boolean; payee: boolean };
}

/**
 * The account events that a payment's new events cause, decided on the accounts as read. Fails as
 * a whole with the first refusal (say, insufficient_funds): no money is ever half-moved.
 */
export function settlePayment(
  payment: PaymentState,
  events: readonly PaymentEvent[],
  accounts: { payer: AccountState; payee: AccountState },
  now: Date,
): { ok: true; settlement: PaymentSettlement } | { ok: false; error: DomainError<AccountErrorCode> } {
  const settlement: PaymentSettlement = { payer: [], payee: [], checked: { payer: false, payee: false } };
  const current = { ...accounts };
  let state = payment;
  for (const event of events) {
    for (const { side, command } of paymentMovements(state, event)) {
      const decision: Decision<AccountEvent, AccountErrorCode> = decideAccount(command, current[side], now);
      if (!decision.ok) return decision;
      settlement[side].push(...decision.events);
      current[side] = decision.events.reduce(evolveAccount, current[side]);
      if (command.type === 'HoldFunds' || command.type === 'DebitFunds') settlement.checked[side] = true;
    }
    state = evolvePayment(state, event);
  }
  return { ok: true, settlement };
}
