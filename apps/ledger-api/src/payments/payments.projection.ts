import { Projection } from '@ledger/consumers';
import { assertNever, PAYMENT_EVENT_TYPES, PaymentEvent } from '@ledger/ledger-domain';
import { domainEventsOf, Fact, projectTable, projectWithFacts, TableProjection } from '../shared/projection';

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

/** A payment event with its payment's row after it: what refund rows are made from. */
type PaymentFact = Fact<PaymentEvent, PaymentRow>;

/**
 * Payments and their refunds (their transaction rows are the transactions projection's). A batch
 * folds its events over the payment rows first, then over the refund rows they imply: one read
 * and one write per table.
 */
export const paymentsProjection: Projection = {
  kind: 'projection',
  name: 'payments',
  tables: ['rm_payments', 'rm_refunds'],
  apply: (events, client) =>
    projectWithFacts(client, paymentsTable, domainEventsOf<PaymentEvent>(events, PAYMENT_EVENT_TYPES), (facts) =>
      projectTable(client, refundsTable, facts),
    ),
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
  evolve(refund, { event, row: payment }) {
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
