import { AccountState, initialAccountState } from '../account/account';
import { BatchCommand, BatchDecision, BatchRecorded, decideInOrder } from '../account/batch';
import { PaymentEvent, PaymentState, paymentStreamName } from './payment';
import { decideNewPayment, NewPayment, PaymentRefusalCode } from './payment-decision';

export type PaymentBatchRecorded = BatchRecorded<'PaymentBatchRecorded', PaymentRefusalCode>;

export const paymentBatchStreamName = (batchId: string) => `paymentbatch-${batchId}`;

/** What a batch of new payments is decided on. */
export interface PaymentBatchStates {
  /** Each item's payment, in item order (`none` unless the caller chose an id already used). */
  payments: readonly PaymentState[];
  /** Every account the items name, by id; absent ones count as unopened. */
  accounts: ReadonlyMap<string, AccountState>;
  /** Whether the caller may pay from an account (its owner, or an admin). */
  mayPayFrom: (account: AccountState) => boolean;
}

/** New payments decided in order on running account states (`decideInOrder`), each as `decideNewPayment`. */
export function decidePaymentBatch(
  command: BatchCommand<NewPayment>,
  states: PaymentBatchStates,
  now: Date,
): BatchDecision<PaymentEvent, PaymentRefusalCode, PaymentBatchRecorded> {
  return decideInOrder(
    command,
    'PaymentBatchRecorded',
    (item) => paymentStreamName(item.paymentId),
    states.accounts,
    (item, index, accountOf) => {
      const payer = accountOf(item.payerAccountId);
      const decision = decideNewPayment(
        item,
        {
          payment: states.payments[index],
          payer: states.mayPayFrom(payer) ? payer : initialAccountState,
          payee: accountOf(item.payeeAccountId),
        },
        now,
      );
      if (!decision.ok) return decision;
      const { payment, payer: debited, payee: credited, checked } = decision.writes;
      return {
        ok: true,
        events: payment,
        accounts: [
          { accountId: item.payerAccountId, events: debited, checked: checked.payer },
          { accountId: item.payeeAccountId, events: credited, checked: checked.payee },
        ],
      };
    },
    now,
  );
}
