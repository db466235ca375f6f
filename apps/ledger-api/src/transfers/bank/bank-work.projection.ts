import { PoolClient } from 'pg';
import { Projection } from '@ledger/consumers';
import { RecordedEvent } from '@ledger/event-store';
import { assertNever, TransferEvent } from '@ledger/ledger-domain';
import { toDomainEvent } from '@ledger/event-sourcing';
import { projectTable, TableProjection } from '../../shared/projection';

/** Where a transfer's bank work stands; `settled` once the bank's answer (or an operator's) is in. */
export type BankWorkStatus = 'awaiting_dispatch' | 'retrying' | 'awaiting_callback' | 'parked' | 'settled';

export interface BankWorkRow {
  id: string;
  kind: 'deposit' | 'withdrawal';
  account_id: string;
  amount: string;
  currency: string;
  status: BankWorkStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  dispatch_since: Date;
  sent_at: Date | null;
  parked_reason: string | null;
  /** The requesting request's correlation id, sent on to the bank and back on its callbacks. */
  correlation_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const later = (at: Date, ms: number) => new Date(at.getTime() + ms);

/**
 * The bank work queue, from the transfers' events: a transfer requested (or retried by an
 * operator) is due for dispatch at once; one sent is due for a status query after
 * `statusQueryAfterMs` unless its outcome arrives first; parked and settled ones wait for nobody.
 * A work queue rather than a read model: the dispatcher keeps its schedule in the same rows, so it
 * names no tables and is never rebuilt (the events alone cannot say how often a call was tried).
 */
export function bankWorkProjection(statusQueryAfterMs: number): Projection {
  return {
    kind: 'projection',
    name: 'bank-work',
    async apply(events: readonly RecordedEvent[], client: PoolClient) {
      const transfers = events.filter(
        (event) => event.streamName.startsWith('deposit-') || event.streamName.startsWith('withdrawal-'),
      );
      if (transfers.length === 0) return;
      await projectTable(client, bankWorkTable(statusQueryAfterMs), transfers);
    },
  };
}

/** A transfer to send from `at` on, with a fresh retry budget: requested, or retried by an operator. */
function dueForDispatch(at: Date) {
  return {
    status: 'awaiting_dispatch' as const,
    attempts: 0,
    last_error: null,
    next_attempt_at: at,
    dispatch_since: at,
    sent_at: null,
    parked_reason: null,
    updated_at: at,
  };
}

/**
 * Events decide every column but `attempts` and `last_error` between retries, which are the
 * dispatcher's (a parking event carries them); the row read at the start of a batch carries the
 * dispatcher's latest values.
 */
function bankWorkTable(statusQueryAfterMs: number): TableProjection<RecordedEvent, BankWorkRow> {
  return {
    table: 'bank_work',
    rowOf: (recorded) => toDomainEvent<TransferEvent>(recorded).data.transferId,
    evolve(work, recorded) {
      const event = toDomainEvent<TransferEvent>(recorded);
      const at = new Date(event.data.at);
      if (event.type === 'TransferRequested') {
        const { transferId, kind, accountId, amount, currency } = event.data;
        return (
          work ?? {
            id: transferId,
            kind,
            account_id: accountId,
            amount,
            currency,
            ...dueForDispatch(at),
            correlation_id: recorded.metadata.correlationId ?? null,
            created_at: at,
          }
        );
      }
      if (!work) return null;
      switch (event.type) {
        case 'TransferSentToBank':
          if (work.status === 'settled') return work;
          return {
            ...work,
            status: 'awaiting_callback',
            last_error: null,
            sent_at: at,
            next_attempt_at: later(at, statusQueryAfterMs),
            updated_at: at,
          };
        case 'TransferParked':
          // The event carries the attempts made: the dispatcher's own update may come after it.
          return {
            ...work,
            status: 'parked',
            attempts: event.data.attempts,
            last_error: event.data.reason,
            parked_reason: event.data.reason,
            updated_at: at,
          };
        case 'TransferRetryRequested':
          return { ...work, ...dueForDispatch(at) };
        case 'TransferSucceeded':
        case 'TransferFailed':
        case 'TransferCorrected':
          return { ...work, status: 'settled', updated_at: at };
        case 'BankCallbackReceived':
        case 'TransferProcessing':
        case 'TransferFlaggedForReview':
        case 'ReviewResolved':
          return work;
        default:
          return assertNever(event);
      }
    },
  };
}
