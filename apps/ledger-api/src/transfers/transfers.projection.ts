import { Projection } from '@ledger/consumers';
import { assertNever, TransferEvent } from '@ledger/ledger-domain';
import { deterministicUuid } from '../shared/deterministic-id';
import { domainEventsOf, Fact, projectTable, projectWithFacts, TableProjection } from '../shared/projection';

/** A row of `rm_transfers`: a deposit or a withdrawal. */
export interface TransferRow {
  id: string;
  kind: string;
  account_id: string;
  user_id: string;
  amount: string;
  currency: string;
  status: string;
  failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A row of `rm_reviews`: a bank callback that contradicted a transfer's outcome. */
export interface ReviewRow {
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
  resolved_at: Date | null;
  created_at: Date;
}

/** A transfer event with its transfer's row after it: what review rows are made from. */
type TransferFact = Fact<TransferEvent, TransferRow>;

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
 * Deposits, withdrawals and the review items of contradictory callbacks (their transaction rows
 * are the transactions projection's). A batch folds its events over the transfer rows first,
 * then over the review rows they imply: one read and one write per table.
 */
export const transfersProjection: Projection = {
  kind: 'projection',
  name: 'transfers',
  tables: ['rm_transfers', 'rm_reviews'],
  apply: (events, client) =>
    projectWithFacts(client, transfersTable, domainEventsOf<TransferEvent>(events, PROJECTED), (facts) =>
      projectTable(client, reviewsTable, facts),
    ),
};

/** A review item's id, from the callback that opened it. */
export const reviewIdOf = (transferId: string, eventId: string) => deterministicUuid('review', transferId, eventId);

const transfersTable: TableProjection<TransferEvent, TransferRow> = {
  table: 'rm_transfers',
  rowOf: (event) => event.data.transferId,
  evolve(transfer, event) {
    if (event.type === 'TransferRequested') {
      const requested = event.data;
      const at = new Date(requested.at);
      return (
        transfer ?? {
          id: requested.transferId,
          kind: requested.kind,
          account_id: requested.accountId,
          user_id: requested.userId,
          amount: requested.amount,
          currency: requested.currency,
          status: 'pending',
          failure_reason: null,
          created_at: at,
          updated_at: at,
        }
      );
    }
    if (!transfer) return null;
    const updated_at = new Date(event.data.at);
    switch (event.type) {
      case 'TransferProcessing':
        return { ...transfer, status: 'processing', updated_at };
      case 'TransferParked':
        return { ...transfer, status: 'parked', updated_at };
      case 'TransferRetryRequested':
        return { ...transfer, status: 'pending', updated_at };
      case 'TransferSucceeded':
        return { ...transfer, status: 'succeeded', failure_reason: null, updated_at };
      case 'TransferFailed':
        return { ...transfer, status: 'failed', failure_reason: event.data.reason, updated_at };
      case 'TransferCorrected':
        return { ...transfer, status: event.data.status, failure_reason: event.data.failureReason, updated_at };
      case 'TransferFlaggedForReview':
      case 'ReviewResolved':
      case 'TransferSentToBank':
      case 'BankCallbackReceived':
        return transfer;
      default:
        return assertNever(event);
    }
  },
};

const reviewsTable: TableProjection<TransferFact, ReviewRow> = {
  table: 'rm_reviews',
  rowOf: ({ event }) =>
    event.type === 'TransferFlaggedForReview' || event.type === 'ReviewResolved'
      ? reviewIdOf(event.data.transferId, event.data.eventId)
      : undefined,
  evolve(review, { event, row: transfer }) {
    if (event.type === 'TransferFlaggedForReview') {
      if (review || !transfer) return review;
      const flagged = event.data;
      return {
        id: reviewIdOf(flagged.transferId, flagged.eventId),
        transfer_id: flagged.transferId,
        event_id: flagged.eventId,
        callback_type: flagged.callbackType,
        transfer_status: transfer.status,
        reason: flagged.reason,
        status: 'open',
        decision: null,
        note: null,
        resolved_by: null,
        resolved_at: null,
        created_at: new Date(flagged.at),
      };
    }
    if (event.type !== 'ReviewResolved' || !review) return review;
    const { decision, note, resolvedBy, at } = event.data;
    return { ...review, status: 'resolved', decision, note, resolved_by: resolvedBy, resolved_at: new Date(at) };
  },
};
