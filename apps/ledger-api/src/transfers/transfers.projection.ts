import { PoolClient } from 'pg';
import { Projection } from '@ledger/consumers';
import { RecordedEvent } from '@ledger/event-store';
import { assertNever, TransferEvent } from '@ledger/ledger-domain';
import { deterministicUuid } from '../shared/deterministic-id';
import { toDomainEvent } from '../shared/event-sourcing';
import { RowBatch } from '../shared/row-batch';

/** The transaction row of a transfer or payment movement on one account. */
export const transactionIdOf = (referenceId: string, accountId: string) =>
  deterministicUuid('transaction', referenceId, accountId);

/** A row of `rm_transactions`, written by this projection and the payments one. */
export interface TransactionRow {
  [column: string]: unknown;
  id: string;
  account_id: string;
  user_id: string;
  type: string;
  direction: 'credit' | 'debit';
  amount: string;
  currency: string;
  status: string;
  reference_id: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

interface TransferRow {
  [column: string]: unknown;
  id: string;
  kind: string;
  account_id: string;
  user_id: string;
  amount: string;
  currency: string;
  status: string;
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
}

interface ReviewRow {
  [column: string]: unknown;
  id: string;
  transfer_id: string;
  event_id: string;
  callback_type: string;
  transfer_status: string;
  reason: string;
  status: 'open' | 'resolved';
  decision: string | null;
  note: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  created_at: string;
}

interface Rows {
  transfers: RowBatch<TransferRow>;
  transactions: RowBatch<TransactionRow>;
  reviews: RowBatch<ReviewRow>;
}

/** The event types this projection writes from; the others of a transfer change no row. */
const PROJECTED = new Set<string>([
  'TransferRequested',
  'TransferParked',
  'TransferRetryRequested',
  'TransferProcessing',
  'TransferSucceeded',
  'TransferFailed',
  'TransferFlaggedForReview',
  'ReviewResolved',
  'TransferCorrected',
] satisfies TransferEvent['type'][]);

/**
 * Deposits, withdrawals, their transaction rows and the review items of contradictory callbacks.
 * A batch reads the rows it touches, folds its events over them and writes each table once.
 */
export const transfersProjection: Projection = {
  kind: 'projection',
  name: 'transfers',
  tables: ['rm_transfers', 'rm_transactions', 'rm_reviews'],
  async apply(events: readonly RecordedEvent[], client: PoolClient) {
    const transfers = events
      .filter((event) => PROJECTED.has(event.type))
      .map((event) => toDomainEvent<TransferEvent>(event));
    if (transfers.length === 0) return;
    const rows: Rows = {
      transfers: new RowBatch('rm_transfers', ['status', 'failure_reason', 'updated_at']),
      transactions: new RowBatch('rm_transactions', ['status', 'updated_at']),
      reviews: new RowBatch('rm_reviews', ['status', 'decision', 'note', 'resolved_by', 'resolved_at']),
    };
    // Every row the batch names is read first, so that a row already there is never made again.
    const transferIds = transfers.map((event) => event.data.transferId);
    const reviewIds = transfers.flatMap((event) =>
      event.type === 'TransferFlaggedForReview' || event.type === 'ReviewResolved'
        ? [reviewIdOf(event.data.transferId, event.data.eventId)]
        : [],
    );
    await rows.transfers.load(client, 'id', transferIds);
    await rows.transactions.load(client, 'reference_id', transferIds);
    await rows.reviews.load(client, 'id', reviewIds);
    for (const event of transfers) project(event, rows);
    await rows.transfers.write(client);
    await rows.transactions.write(client);
    await rows.reviews.write(client);
  },
};

/** A review item's id, from the callback that opened it. */
export const reviewIdOf = (transferId: string, eventId: string) => deterministicUuid('review', transferId, eventId);

function project(event: TransferEvent, { transfers, transactions, reviews }: Rows): void {
  switch (event.type) {
    case 'TransferRequested': {
      const transfer = event.data;
      transfers.insert({
        id: transfer.transferId,
        kind: transfer.kind,
        account_id: transfer.accountId,
        user_id: transfer.userId,
        amount: transfer.amount,
        currency: transfer.currency,
        status: 'pending',
        failure_reason: null,
        created_at: transfer.at,
        updated_at: transfer.at,
      });
      transactions.insert({
        id: transactionIdOf(transfer.transferId, transfer.accountId),
        account_id: transfer.accountId,
        user_id: transfer.userId,
        type: transfer.kind,
        direction: transfer.kind === 'deposit' ? 'credit' : 'debit',
        amount: transfer.amount,
        currency: transfer.currency,
        status: 'pending',
        reference_id: transfer.transferId,
        description: transfer.kind === 'deposit' ? 'Deposit from bank' : 'Withdrawal to bank',
        created_at: transfer.at,
        updated_at: transfer.at,
      });
      return;
    }
    case 'TransferProcessing':
      transfers.update(event.data.transferId, () => ({ status: 'processing', updated_at: event.data.at }));
      return;
    case 'TransferParked':
      transfers.update(event.data.transferId, () => ({ status: 'parked', updated_at: event.data.at }));
      return;
    case 'TransferRetryRequested':
      transfers.update(event.data.transferId, () => ({ status: 'pending', updated_at: event.data.at }));
      return;
    case 'TransferSucceeded':
    case 'TransferFailed': {
      const { transferId, at } = event.data;
      const transfer = transfers.get(transferId);
      if (!transfer) return;
      const status = event.type === 'TransferSucceeded' ? 'succeeded' : 'failed';
      const reason = event.type === 'TransferFailed' ? event.data.reason : null;
      transfers.update(transferId, () => ({ status, failure_reason: reason, updated_at: at }));
      transactions.update(transactionIdOf(transferId, transfer.account_id), () => ({ status, updated_at: at }));
      return;
    }
    case 'TransferFlaggedForReview': {
      const review = event.data;
      const transfer = transfers.get(review.transferId);
      if (!transfer) return;
      reviews.insert({
        id: reviewIdOf(review.transferId, review.eventId),
        transfer_id: review.transferId,
        event_id: review.eventId,
        callback_type: review.callbackType,
        transfer_status: transfer.status,
        reason: review.reason,
        status: 'open',
        decision: null,
        note: null,
        resolved_by: null,
        resolved_at: null,
        created_at: review.at,
      });
      return;
    }
    case 'ReviewResolved': {
      const { transferId, eventId, decision, note, resolvedBy, at } = event.data;
      reviews.update(reviewIdOf(transferId, eventId), () => ({
        status: 'resolved',
        decision,
        note,
        resolved_by: resolvedBy,
        resolved_at: at,
      }));
      return;
    }
    case 'TransferCorrected': {
      const { transferId, status, failureReason, at } = event.data;
      const transfer = transfers.get(transferId);
      if (!transfer) return;
      transfers.update(transferId, () => ({ status, failure_reason: failureReason, updated_at: at }));
      transactions.update(transactionIdOf(transferId, transfer.account_id), () => ({ status, updated_at: at }));
      return;
    }
    case 'TransferSentToBank':
    case 'BankCallbackReceived':
      return;
    default:
      assertNever(event);
  }
}
