import { PoolClient } from 'pg';
import { RecordedEvent } from '@ledger/event-store';
import { TransferEvent } from '@ledger/ledger-domain';
import { deterministicUuid } from '../shared/deterministic-id';
import { projection } from '../shared/projection';

type DataOf<Type extends TransferEvent['type']> = Extract<TransferEvent, { type: Type }>['data'];

/** The transaction row of a transfer on its account. */
export const transactionIdOf = (referenceId: string, accountId: string) =>
  deterministicUuid('transaction', referenceId, accountId);

/** A transfer settles: it and its transaction row take the final status. */
function settle(status: 'succeeded' | 'failed') {
  return async (event: RecordedEvent, client: PoolClient) => {
    const data = event.data as DataOf<'TransferSucceeded'> & { reason?: string };
    await client.query('UPDATE rm_transfers SET status = $2, failure_reason = $3, updated_at = $4 WHERE id = $1', [
      data.transferId,
      status,
      data.reason ?? null,
      data.at,
    ]);
    await client.query('UPDATE rm_transactions SET status = $2, updated_at = $3 WHERE reference_id = $1', [
      data.transferId,
      status,
      data.at,
    ]);
  };
}

/** Deposits, withdrawals, their transaction rows and the review items of contradictory callbacks. */
export const transfersProjection = projection('transfers', ['rm_transfers', 'rm_transactions', 'rm_reviews'], {
  TransferRequested: async (event, client) => {
    const transfer = event.data as DataOf<'TransferRequested'>;
    await client.query(
      `INSERT INTO rm_transfers (id, kind, account_id, user_id, amount, currency, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) ON CONFLICT (id) DO NOTHING`,
      [
        transfer.transferId,
        transfer.kind,
        transfer.accountId,
        transfer.userId,
        transfer.amount,
        transfer.currency,
        transfer.at,
      ],
    );
    await client.query(
      `INSERT INTO rm_transactions (id, account_id, user_id, type, direction, amount, currency, status, reference_id,
                                    description, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $10) ON CONFLICT (id) DO NOTHING`,
      [
        transactionIdOf(transfer.transferId, transfer.accountId),
        transfer.accountId,
        transfer.userId,
        transfer.kind,
        transfer.kind === 'deposit' ? 'credit' : 'debit',
        transfer.amount,
        transfer.currency,
        transfer.transferId,
        transfer.kind === 'deposit' ? 'Deposit from bank' : 'Withdrawal to bank',
        transfer.at,
      ],
    );
  },
  TransferProcessing: (event, client) => {
    const data = event.data as DataOf<'TransferProcessing'>;
    return client.query(`UPDATE rm_transfers SET status = 'processing', updated_at = $2 WHERE id = $1`, [
      data.transferId,
      data.at,
    ]);
  },
  TransferSucceeded: settle('succeeded'),
  TransferFailed: settle('failed'),
  TransferFlaggedForReview: (event, client) => {
    const review = event.data as DataOf<'TransferFlaggedForReview'>;
    return client.query(
      `INSERT INTO rm_reviews (id, transfer_id, event_id, callback_type, transfer_status, reason, status, created_at)
       SELECT $1, $2, $3, $4, status, $5, 'open', $6 FROM rm_transfers WHERE id = $2
       ON CONFLICT (id) DO NOTHING`,
      [
        deterministicUuid('review', review.transferId, review.eventId),
        review.transferId,
        review.eventId,
        review.callbackType,
        review.reason,
        review.at,
      ],
    );
  },
});
