import { AccountState, initialAccountState } from '../account/account';
import { BatchCommand, BatchDecision, BatchRecorded, decideInOrder } from '../account/batch';
import { claimChosenId, MovementIdState } from '../transfer/movement-id';
import { movementIdStreamName } from '../transfer/transfer';
import { PaymentEvent, PaymentState, paymentStreamName } from './payment';
import { decideNewPayment, NewPayment, PaymentRefusalCode } from './payment-decision';

export type PaymentBatchRecorded = BatchRecorded<'PaymentBatchRecorded', PaymentRefusalCode>;

export const paymentBatchStreamName = (batchId: string) => `paymentbatch-${batchId}`;

/** What a batch of new payments is decided on. */
export interface PaymentBatchStates {
  /** Each item's payment, in item order (`none` unless the caller chose an id already used). */
  payments: readonly PaymentState[];
  /**
   * Each item's claim on its id, in item order, when the caller chose the id; `undefined` for an id
   * the ledger derived (version 8, in a namespace of its own: no movement can have it, so it is
   * neither read nor claimed). See `claimChosenId`.
   */
  claims: readonly (MovementIdState | undefined)[];
  /** Every account the items name, by id; absent ones count as unopened. */
  accounts: ReadonlyMap<string, AccountState>;
  /** Whether the caller may pay from an account (its owner, or an admin). */
  mayPayFrom: (account: AccountState) => boolean;
}

/**
 * New payments decided in order on running account states (`decideInOrder`), each as
 * `decideNewPayment`; an item whose id the caller chose also claims it, and is refused
 * `payment_exists` when any movement (a payment, a deposit, a withdrawal, or an item before it)
 * holds it already: the read models key a movement by its bare id.
 */
export function decidePaymentBatch(
  command: BatchCommand<NewPayment>,
  states: PaymentBatchStates,
  now: Date,
): BatchDecision<PaymentEvent, PaymentRefusalCode, PaymentBatchRecorded> {
  const claimedHere = new Map<string, MovementIdState>();
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
      const claimed = claimChosenId(
        { movementId: item.paymentId, kind: 'payment' },
        states.claims[index],
        claimedHere,
        now,
      );
      if (claimed && !claimed.ok) return claimed;
      const { payment, payer: debited, payee: credited, checked } = decision.writes;
      return {
        ok: true,
        events: payment,
        ...(claimed && { others: [{ stream: movementIdStreamName(item.paymentId), events: claimed.events }] }),
        accounts: [
          { accountId: item.payerAccountId, events: debited, checked: checked.payer },
          { accountId: item.payeeAccountId, events: credited, checked: checked.payee },
        ],
      };
    },
    now,
  );
}
