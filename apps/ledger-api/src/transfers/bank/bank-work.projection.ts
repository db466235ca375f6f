import { PoolClient } from 'pg';
import { Projection } from '@ledger/consumers';
import { RecordedEvent } from '@ledger/event-store';
import { assertNever, TransferEvent } from '@ledger/ledger-domain';
import { toDomainEvent } from '../../shared/event-sourcing';
import { RowBatch } from '../../shared/row-batch';

/** Where a transfer's bank work stands; `settled` once the bank's answer (or an operator's) is in. */
export type BankWorkStatus = 'awaiting_dispatch' | 'retrying' | 'awaiting_callback' | 'parked' | 'settled';

export interface BankWorkRow {
  [column: string]: unknown;
  id: string;
  kind: 'deposit' | 'withdrawal';
  account_id: string;
  amount: string;
  currency: string;
  status: BankWorkStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  dispatch_since: string;
  sent_at: string | null;
  parked_reason: string | null;
  /** The requesting request's correlation id, sent on to the bank and back on its callbacks. */
  correlation_id: string | null;
  created_at: string;
  updated_at: string;
}

/** The columns events decide; `attempts` and `last_error` between events are the dispatcher's. */
const FROM_EVENTS = [
  'status',
  'attempts',
  'last_error',
  'next_attempt_at',
  'dispatch_since',
  'sent_at',
  'parked_reason',
  'updated_at',
] as const;

const later = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();

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
      const rows = new RowBatch<BankWorkRow>('bank_work', [...FROM_EVENTS]);
      await rows.load(
        client,
        'id',
        transfers.map((event) => toDomainEvent<TransferEvent>(event).data.transferId),
      );
      for (const event of transfers) project(event, rows, statusQueryAfterMs);
      await rows.write(client);
    },
  };
}

/** A transfer to send from `at` on, with a fresh retry budget: requested, or retried by an operator. */
function dueForDispatch(at: string) {
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

function project(recorded: RecordedEvent, rows: RowBatch<BankWorkRow>, statusQueryAfterMs: number): void {
  const event = toDomainEvent<TransferEvent>(recorded);
  const { transferId, at } = event.data;
  switch (event.type) {
    case 'TransferRequested': {
      const { kind, accountId, amount, currency } = event.data;
      rows.insert({
        id: transferId,
        kind,
        account_id: accountId,
        amount,
        currency,
        ...dueForDispatch(at),
        correlation_id: recorded.metadata.correlationId ?? null,
        created_at: at,
      });
      return;
    }
    case 'TransferSentToBank':
      rows.update(transferId, (row) =>
        row.status === 'settled'
          ? {}
          : {
              status: 'awaiting_callback',
              last_error: null,
              sent_at: at,
              next_attempt_at: later(at, statusQueryAfterMs),
              updated_at: at,
            },
      );
      return;
    case 'TransferParked':
      rows.update(transferId, () => ({ status: 'parked', parked_reason: event.data.reason, updated_at: at }));
      return;
    case 'TransferRetryRequested':
      rows.update(transferId, () => dueForDispatch(at));
      return;
    case 'TransferSucceeded':
    case 'TransferFailed':
    case 'TransferCorrected':
      rows.update(transferId, () => ({ status: 'settled', updated_at: at }));
      return;
    case 'BankCallbackReceived':
    case 'TransferProcessing':
    case 'TransferFlaggedForReview':
    case 'ReviewResolved':
      return;
    default:
      assertNever(event);
  }
}
