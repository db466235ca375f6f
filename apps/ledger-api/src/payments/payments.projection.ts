import { PoolClient } from 'pg';
import { Projection } from '@ledger/consumers';
import { RecordedEvent } from '@ledger/event-store';
import { assertNever, PAYMENT_EVENT_TYPES, PaymentEvent } from '@ledger/ledger-domain';
import { toDomainEvent } from '@ledger/event-sourcing';
import { projectTable, TableBatch, TableProjection } from '../shared/projection';
import { TransactionChange, transactionIdOf, TransactionRow, transactionsTable } from '../transfers';

/** A row of `rm_payments`, as the projection writes it and the queries read it. */
export interface PaymentRow {
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
  capture_expires_at: Date | null;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A row of `rm_refunds`. */
export interface RefundRow {
  id: string;
  payment_id: string;
  amount: string;
  currency: string;
  reason: string | null;
  created_at: Date;
}

/** A payment event with its payment's row after it: what refund and transaction rows are made from. */
interface PaymentFact {
  event: PaymentEvent;
  payment: PaymentRow | null;
}

/**
 * Payments, refunds, and the transaction rows of both sides (the payer's `pending` row of an
 * authorization takes its outcome). A batch folds its events over the payment rows first, then
 * over the refund and transaction rows they imply: one read and one write per table.
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
    const paymentRows = await TableBatch.read(client, paymentsTable, payments);
    const facts = payments.map((event): PaymentFact => ({ event, payment: paymentRows.apply(event) }));
    await projectTable(client, transactionsTable, facts.flatMap(transactionChanges));
    await projectTable(client, refundsTable, facts);
    await paymentRows.write(client);
  },
};

const paymentsTable: TableProjection<PaymentEvent, PaymentRow> = {
  table: 'rm_payments',
  rowOf: (event) => event.data.paymentId,
  evolve(payment, event) {
    if (event.type === 'PaymentAuthorized') {
      const authorized = event.data;
      const at = new Date(authorized.at);
      return (
        payment ?? {
          id: authorized.paymentId,
          payer_account_id: authorized.payerAccountId,
          payee_account_id: authorized.payeeAccountId,
          payer_user_id: authorized.payerUserId,
          payee_user_id: authorized.payeeUserId,
          currency: authorized.currency,
          capture_method: authorized.captureMethod,
          status: 'authorized',
          authorized_amount: authorized.amount,
          captured_amount: '0',
          refunded_amount: '0',
          capture_expires_at: authorized.captureExpiresAt === null ? null : new Date(authorized.captureExpiresAt),
          description: authorized.description,
          created_at: at,
          updated_at: at,
        }
      );
    }
    if (!payment) return null;
    const updated_at = new Date(event.data.at);
    switch (event.type) {
      case 'PaymentCaptured':
        return { ...payment, status: 'captured', captured_amount: event.data.amount, updated_at };
      case 'PaymentVoided':
        return { ...payment, status: 'voided', updated_at };
      case 'PaymentExpired':
        return { ...payment, status: 'expired', updated_at };
      case 'PaymentRefunded': {
        const refunded = BigInt(payment.refunded_amount) + BigInt(event.data.amount);
        const status = refunded >= BigInt(payment.captured_amount) ? 'refunded' : 'partially_refunded';
        return { ...payment, refunded_amount: refunded.toString(), status, updated_at };
      }
      default:
        return assertNever(event);
    }
  },
};

const refundsTable: TableProjection<PaymentFact, RefundRow> = {
  table: 'rm_refunds',
  rowOf: ({ event }) => (event.type === 'PaymentRefunded' ? event.data.refundId : undefined),
  evolve(refund, { event, payment }) {
    if (refund || !payment || event.type !== 'PaymentRefunded') return refund;
    return {
      id: event.data.refundId,
      payment_id: event.data.paymentId,
      amount: event.data.amount,
      currency: payment.currency,
      reason: event.data.reason,
      created_at: new Date(event.data.at),
    };
  },
};

/** The transaction rows a payment event starts or settles, on the payer's side and the payee's. */
function transactionChanges({ event, payment }: PaymentFact): TransactionChange[] {
  if (!payment) return [];
  const at = new Date(event.data.at);
  const payerRow = transactionIdOf(payment.id, payment.payer_account_id);
  switch (event.type) {
    case 'PaymentAuthorized': {
      const { amount, description } = event.data;
      const movement = { type: 'payment', amount, status: 'pending', description, at } as const;
      return [{ kind: 'started', row: transactionRow(payment.id, 'payer', payment, movement) }];
    }
    case 'PaymentCaptured': {
      const { amount } = event.data;
      const movement = { type: 'payment', amount, status: 'succeeded', description: null, at } as const;
      return [
        { kind: 'settled', id: payerRow, status: 'succeeded', amount, at },
        { kind: 'started', row: transactionRow(payment.id, 'payee', payment, movement) },
      ];
    }
    case 'PaymentVoided':
    case 'PaymentExpired':
      return [{ kind: 'settled', id: payerRow, status: payment.status, at }];
    case 'PaymentRefunded': {
      const { refundId, amount, reason } = event.data;
      const movement = { type: 'refund', amount, status: 'succeeded', description: reason, at } as const;
      return (['payee', 'payer'] as const).map((side) => ({
        kind: 'started',
        row: transactionRow(refundId, side, payment, movement),
      }));
    }
    default:
      return assertNever(event);
  }
}

/** A movement's row on one side: a payment debits the payer and credits the payee, a refund the reverse. */
function transactionRow(
  referenceId: string,
  side: 'payer' | 'payee',
  payment: PaymentRow,
  movement: { type: 'payment' | 'refund'; amount: string; status: string; description: string | null; at: Date },
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
