import { PoolClient } from 'pg';
import { RecordedEvent } from '@ledger/event-store';
import { PaymentEvent } from '@ledger/ledger-domain';
import { projection } from '../shared/projection';
import { transactionIdOf } from '../transfers/transfers.projection';

type DataOf<Type extends PaymentEvent['type']> = Extract<PaymentEvent, { type: Type }>['data'];

interface PaymentRow {
  payer_account_id: string;
  payee_account_id: string;
  payer_user_id: string;
  payee_user_id: string;
  currency: string;
}

async function paymentRow(client: PoolClient, paymentId: string): Promise<PaymentRow> {
  const { rows } = await client.query<PaymentRow>('SELECT * FROM rm_payments WHERE id = $1', [paymentId]);
  return rows[0];
}

async function insertTransaction(
  client: PoolClient,
  row: {
    accountId: string;
    userId: string;
    type: 'payment' | 'refund';
    direction: 'credit' | 'debit';
    amount: string;
    currency: string;
    status: string;
    referenceId: string;
    description: string | null;
    at: string;
  },
) {
  await client.query(
    `INSERT INTO rm_transactions (id, account_id, user_id, type, direction, amount, currency, status, reference_id,
                                  description, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (id) DO NOTHING`,
    [
      transactionIdOf(row.referenceId, row.accountId),
      row.accountId,
      row.userId,
      row.type,
      row.direction,
      row.amount,
      row.currency,
      row.status,
      row.referenceId,
      row.description,
      row.at,
    ],
  );
}

/** An authorization that ends without capture: the payment and the payer's pending row take the status. */
function close(status: 'voided' | 'expired') {
  return async (event: RecordedEvent, client: PoolClient) => {
    const { paymentId, at } = event.data as DataOf<'PaymentVoided'>;
    await client.query('UPDATE rm_payments SET status = $2, updated_at = $3 WHERE id = $1', [paymentId, status, at]);
    await client.query('UPDATE rm_transactions SET status = $2, updated_at = $3 WHERE reference_id = $1', [
      paymentId,
      status,
      at,
    ]);
  };
}

/** Payments, refunds, and the transaction rows of both sides. */
export const paymentsProjection = projection('payments', ['rm_payments', 'rm_refunds', 'rm_transactions'], {
  PaymentAuthorized: async (event, client) => {
    const payment = event.data as DataOf<'PaymentAuthorized'>;
    await client.query(
      `INSERT INTO rm_payments (id, payer_account_id, payee_account_id, payer_user_id, payee_user_id, currency,
                                capture_method, status, authorized_amount, capture_expires_at, description,
                                created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'authorized', $8, $9, $10, $11, $11) ON CONFLICT (id) DO NOTHING`,
      [
        payment.paymentId,
        payment.payerAccountId,
        payment.payeeAccountId,
        payment.payerUserId,
        payment.payeeUserId,
        payment.currency,
        payment.captureMethod,
        payment.amount,
        payment.captureExpiresAt,
        payment.description,
        payment.at,
      ],
    );
    await insertTransaction(client, {
      accountId: payment.payerAccountId,
      userId: payment.payerUserId,
      type: 'payment',
      direction: 'debit',
      amount: payment.amount,
      currency: payment.currency,
      status: 'pending',
      referenceId: payment.paymentId,
      description: payment.description,
      at: payment.at,
    });
  },
  PaymentCaptured: async (event, client) => {
    const { paymentId, amount, at } = event.data as DataOf<'PaymentCaptured'>;
    const payment = await paymentRow(client, paymentId);
    await client.query(
      `UPDATE rm_payments SET status = 'captured', captured_amount = $2, updated_at = $3 WHERE id = $1`,
      [paymentId, amount, at],
    );
    await client.query(
      `UPDATE rm_transactions SET status = 'succeeded', amount = $3, updated_at = $4
        WHERE reference_id = $1 AND account_id = $2`,
      [paymentId, payment.payer_account_id, amount, at],
    );
    await insertTransaction(client, {
      accountId: payment.payee_account_id,
      userId: payment.payee_user_id,
      type: 'payment',
      direction: 'credit',
      amount,
      currency: payment.currency,
      status: 'succeeded',
      referenceId: paymentId,
      description: null,
      at,
    });
  },
  PaymentVoided: close('voided'),
  PaymentExpired: close('expired'),
  PaymentRefunded: async (event, client) => {
    const refund = event.data as DataOf<'PaymentRefunded'>;
    const payment = await paymentRow(client, refund.paymentId);
    await client.query(
      `UPDATE rm_payments SET refunded_amount = refunded_amount + $2::bigint,
              status = CASE WHEN refunded_amount + $2::bigint >= captured_amount THEN 'refunded' ELSE 'partially_refunded' END,
              updated_at = $3
        WHERE id = $1`,
      [refund.paymentId, refund.amount, refund.at],
    );
    await client.query(
      `INSERT INTO rm_refunds (id, payment_id, amount, currency, reason, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
      [refund.refundId, refund.paymentId, refund.amount, payment.currency, refund.reason, refund.at],
    );
    for (const [side, direction] of [
      ['payee', 'debit'],
      ['payer', 'credit'],
    ] as const) {
      await insertTransaction(client, {
        accountId: side === 'payee' ? payment.payee_account_id : payment.payer_account_id,
        userId: side === 'payee' ? payment.payee_user_id : payment.payer_user_id,
        type: 'refund',
        direction,
        amount: refund.amount,
        currency: payment.currency,
        status: 'succeeded',
        referenceId: refund.refundId,
        description: refund.reason,
        at: refund.at,
      });
    }
  },
});
