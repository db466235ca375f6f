import { PoolClient } from 'pg';
import { Projection } from '@ledger/consumers';
import { RecordedEvent } from '@ledger/event-store';
import { assertNever, PAYMENT_EVENT_TYPES, PaymentEvent } from '@ledger/ledger-domain';
import { toDomainEvent } from '../shared/event-sourcing';
import { RowBatch } from '../shared/row-batch';
import { transactionIdOf, TransactionRow } from '../transfers/transfers.projection';

interface PaymentRow {
  [column: string]: unknown;
  id: string;
  payer_account_id: string;
  payee_account_id: string;
  payer_user_id: string;
  payee_user_id: string;
  currency: string;
  capture_method: string;
  status: string;
  authorized_amount: string;
  captured_amount: string;
  refunded_amount: string;
  capture_expires_at: string | null;
  description: string | null;
  created_at: string;
  updated_at: string;
}

interface RefundRow {
  [column: string]: unknown;
  id: string;
  payment_id: string;
  amount: string;
  currency: string;
  reason: string | null;
  created_at: string;
}

interface Rows {
  payments: RowBatch<PaymentRow>;
  transactions: RowBatch<TransactionRow>;
  refunds: RowBatch<RefundRow>;
}

/**
 * Payments, refunds, and the transaction rows of both sides (the payer's `pending` row of an
 * authorization takes its outcome). A batch reads the rows it touches, folds its events over
 * them in memory and writes each table back in one statement.
 */
export const paymentsProjection: Projection = {
  kind: 'projection',
  name: 'payments',
  tables: ['rm_payments', 'rm_refunds', 'rm_transactions'],
  async apply(events: readonly RecordedEvent[], client: PoolClient) {
    const payments = events
      .filter((event) => PAYMENT_EVENT_TYPES.has(event.type))
      .map((event) => toDomainEvent<PaymentEvent>(event));
    if (payments.length === 0) return;
    const rows: Rows = {
      payments: new RowBatch('rm_payments', ['status', 'captured_amount', 'refunded_amount', 'updated_at']),
      transactions: new RowBatch('rm_transactions', ['status', 'amount', 'updated_at']),
      refunds: new RowBatch('rm_refunds', []),
    };
    // Every row the batch names is read first, so that a row already there is never made again.
    const paymentIds = payments.map((event) => event.data.paymentId);
    const refundIds = payments.flatMap((event) => (event.type === 'PaymentRefunded' ? [event.data.refundId] : []));
    await rows.payments.load(client, 'id', paymentIds);
    await rows.transactions.load(client, 'reference_id', [...paymentIds, ...refundIds]);
    await rows.refunds.load(client, 'id', refundIds);
    for (const event of payments) project(event, rows);
    await rows.payments.write(client);
    await rows.transactions.write(client);
    await rows.refunds.write(client);
  },
};

function project(event: PaymentEvent, { payments, transactions, refunds }: Rows): void {
  switch (event.type) {
    case 'PaymentAuthorized': {
      const payment = event.data;
      payments.insert({
        id: payment.paymentId,
        payer_account_id: payment.payerAccountId,
        payee_account_id: payment.payeeAccountId,
        payer_user_id: payment.payerUserId,
        payee_user_id: payment.payeeUserId,
        currency: payment.currency,
        capture_method: payment.captureMethod,
        status: 'authorized',
        authorized_amount: payment.amount,
        captured_amount: '0',
        refunded_amount: '0',
        capture_expires_at: payment.captureExpiresAt,
        description: payment.description,
        created_at: payment.at,
        updated_at: payment.at,
      });
      transactions.insert(
        transactionRow(payment.paymentId, 'payer', payments.get(payment.paymentId)!, {
          type: 'payment',
          amount: payment.amount,
          status: 'pending',
          description: payment.description,
          at: payment.at,
        }),
      );
      return;
    }
    case 'PaymentCaptured': {
      const { paymentId, amount, at } = event.data;
      const payment = payments.get(paymentId);
      if (!payment) return;
      payments.update(paymentId, () => ({ status: 'captured', captured_amount: amount, updated_at: at }));
      transactions.update(transactionIdOf(paymentId, payment.payer_account_id), () => ({
        status: 'succeeded',
        amount,
        updated_at: at,
      }));
      transactions.insert(
        transactionRow(paymentId, 'payee', payment, {
          type: 'payment',
          amount,
          status: 'succeeded',
          description: null,
          at,
        }),
      );
      return;
    }
    case 'PaymentVoided':
    case 'PaymentExpired': {
      const { paymentId, at } = event.data;
      const payment = payments.get(paymentId);
      if (!payment) return;
      const status = event.type === 'PaymentVoided' ? 'voided' : 'expired';
      payments.update(paymentId, () => ({ status, updated_at: at }));
      transactions.update(transactionIdOf(paymentId, payment.payer_account_id), () => ({ status, updated_at: at }));
      return;
    }
    case 'PaymentRefunded': {
      const refund = event.data;
      const payment = payments.get(refund.paymentId);
      if (!payment) return;
      payments.update(refund.paymentId, (row) => {
        const refunded = BigInt(row.refunded_amount) + BigInt(refund.amount);
        return {
          refunded_amount: refunded.toString(),
          status: refunded >= BigInt(row.captured_amount) ? 'refunded' : 'partially_refunded',
          updated_at: refund.at,
        };
      });
      refunds.insert({
        id: refund.refundId,
        payment_id: refund.paymentId,
        amount: refund.amount,
        currency: payment.currency,
        reason: refund.reason,
        created_at: refund.at,
      });
      for (const side of ['payee', 'payer'] as const) {
        transactions.insert(
          transactionRow(refund.refundId, side, payment, {
            type: 'refund',
            amount: refund.amount,
            status: 'succeeded',
            description: refund.reason,
            at: refund.at,
          }),
        );
      }
      return;
    }
    default:
      assertNever(event);
  }
}

/** A movement's row on one side: a payment debits the payer and credits the payee, a refund the reverse. */
function transactionRow(
  referenceId: string,
  side: 'payer' | 'payee',
  payment: PaymentRow,
  movement: { type: 'payment' | 'refund'; amount: string; status: string; description: string | null; at: string },
): TransactionRow {
  const accountId = side === 'payer' ? payment.payer_account_id : payment.payee_account_id;
  const debits = (side === 'payer') === (movement.type === 'payment');
  return {
    id: transactionIdOf(referenceId, accountId),
    account_id: accountId,
    user_id: side === 'payer' ? payment.payer_user_id : payment.payee_user_id,
    type: movement.type,
    direction: debits ? 'debit' : 'credit',
    amount: movement.amount,
    currency: payment.currency,
    status: movement.status,
    reference_id: referenceId,
    description: movement.description,
    created_at: movement.at,
    updated_at: movement.at,
  };
}
