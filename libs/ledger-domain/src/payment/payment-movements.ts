import { AccountCommand } from '../account/account';
import { assertNever } from '../shared/result';
import { PaymentEvent, PaymentState } from './payment';

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
