import { Projection } from '@ledger/consumers';
import { assertNever, PAYMENT_EVENT_TYPES, PaymentEvent, TransferEvent } from '@ledger/ledger-domain';
import { deterministicUuid } from '../shared/deterministic-id';
import { domainEventsOf, Fact, projectTable, projectWithFacts, TableProjection } from '../shared/projection';

/** The transaction row of a transfer or payment movement on one account. */
export const transactionIdOf = (referenceId: string, accountId: string) =>
  deterministicUuid('transaction', referenceId, accountId);

/** A row of `rm_transactions`: one account's side of a deposit, withdrawal, payment or refund. */
export interface TransactionRow {
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
  created_at: Date;
  updated_at: Date;
}

/**
 * A row of `rm_transaction_parties`: the accounts of a payment or transfer (its id), which its later
 * events do not repeat, yet a capture credits the payee and a settlement finds its account's row.
 * `account_id` is the transfer's account or the payment's payer; the payee's columns are a payment's.
 */
interface PartiesRow {
  id: string;
  account_id: string;
  user_id: string;
  payee_account_id: string | null;
  payee_user_id: string | null;
  currency: string;
}

/** A payment's or a transfer's event. */
type MovementEvent = PaymentEvent | TransferEvent;

/** A movement's event with its parties: what its transaction rows are made from. */
type MovementFact = Fact<MovementEvent, PartiesRow>;

/** What a movement does to one account's transaction row: it starts (the row as first shown), or its outcome is known. */
type TransactionChange =
  { kind: 'started'; row: TransactionRow } | { kind: 'settled'; id: string; status: string; amount?: string; at: Date };

/** The events that start or settle a transaction row: every payment's, and these of a transfer. */
const MOVEMENT_TYPES = new Set<string>([
  ...PAYMENT_EVENT_TYPES,
  ...([
    'TransferRequested',
    'TransferSucceeded',
    'TransferFailed',
    'TransferCorrected',
  ] satisfies TransferEvent['type'][]),
]);

/**
 * Every account's transactions (deposits, withdrawals, payments, refunds): the only writer of
 * `rm_transactions`. A batch folds its events over the parties of their payments and transfers
 * first, then over the transaction rows they imply: one read and one write per table.
 */
export const transactionsProjection: Projection = {
  kind: 'projection',
  name: 'transactions',
  tables: ['rm_transactions', 'rm_transaction_parties'],
  apply: (events, client) =>
    projectWithFacts(client, partiesTable, domainEventsOf<MovementEvent>(events, MOVEMENT_TYPES), (facts) =>
      projectTable(client, transactionsTable, facts.flatMap(transactionChanges)),
    ),
};

const partiesTable: TableProjection<MovementEvent, PartiesRow> = {
  table: 'rm_transaction_parties',
  rowOf: (event) => ('paymentId' in event.data ? event.data.paymentId : event.data.transferId),
  evolve(parties, event) {
    if (parties) return parties;
    if (event.type === 'PaymentAuthorized') {
      const { paymentId, payerAccountId, payerUserId, payeeAccountId, payeeUserId, currency } = event.data;
      return {
        id: paymentId,
        account_id: payerAccountId,
        user_id: payerUserId,
        payee_account_id: payeeAccountId,
        payee_user_id: payeeUserId,
        currency,
      };
    }
    if (event.type !== 'TransferRequested') return null;
    const { transferId, accountId, userId, currency } = event.data;
    return {
      id: transferId,
      account_id: accountId,
      user_id: userId,
      payee_account_id: null,
      payee_user_id: null,
      currency,
    };
  },
};

const transactionsTable: TableProjection<TransactionChange, TransactionRow> = {
  table: 'rm_transactions',
  rowOf: (change) => (change.kind === 'started' ? change.row.id : change.id),
  evolve(row, change) {
    if (change.kind === 'started') return row ?? change.row;
    if (!row) return null;
    return { ...row, status: change.status, amount: change.amount ?? row.amount, updated_at: change.at };
  },
};

/** The transaction rows a payment or transfer event starts or settles. */
function transactionChanges({ event, row: parties }: MovementFact): TransactionChange[] {
  if (!parties) return [];
  const at = new Date(event.data.at);
  const settled = (status: string, amount?: string): TransactionChange[] => [
    { kind: 'settled', id: transactionIdOf(parties.id, parties.account_id), status, amount, at },
  ];
  switch (event.type) {
    case 'TransferRequested': {
      const { transferId, kind, accountId, userId, amount, currency } = event.data;
      const row = {
        id: transactionIdOf(transferId, accountId),
        account_id: accountId,
        user_id: userId,
        type: kind,
        direction: kind === 'deposit' ? 'credit' : 'debit',
        amount,
        currency,
        status: 'pending',
        reference_id: transferId,
        description: kind === 'deposit' ? 'Deposit from bank' : 'Withdrawal to bank',
        created_at: at,
        updated_at: at,
      } as const;
      return [{ kind: 'started', row }];
    }
    case 'TransferSucceeded':
      return settled('succeeded');
    case 'TransferFailed':
      return settled('failed');
    case 'TransferCorrected':
      return settled(event.data.status);
    case 'PaymentAuthorized': {
      const { amount, description } = event.data;
      const movement = { type: 'payment', amount, status: 'pending', description, at } as const;
      return [{ kind: 'started', row: paymentRow(parties.id, 'payer', parties, movement) }];
    }
    case 'PaymentCaptured': {
      const { amount } = event.data;
      const movement = { type: 'payment', amount, status: 'succeeded', description: null, at } as const;
      return [
        ...settled('succeeded', amount),
        { kind: 'started', row: paymentRow(parties.id, 'payee', parties, movement) },
      ];
    }
    case 'PaymentVoided':
      return settled('voided');
    case 'PaymentExpired':
      return settled('expired');
    case 'PaymentRefunded': {
      const { refundId, amount, reason } = event.data;
      const movement = { type: 'refund', amount, status: 'succeeded', description: reason, at } as const;
      return (['payee', 'payer'] as const).map((side) => ({
        kind: 'started',
        row: paymentRow(refundId, side, parties, movement),
      }));
    }
    case 'TransferSentToBank':
    case 'BankCallbackReceived':
    case 'TransferProcessing':
    case 'TransferParked':
    case 'TransferRetryRequested':
    case 'TransferFlaggedForReview':
    case 'ReviewResolved':
      return [];
    default:
      return assertNever(event);
  }
}

/** A payment movement's row on one side: a payment debits the payer and credits the payee, a refund the reverse. */
function paymentRow(
  referenceId: string,
  side: 'payer' | 'payee',
  parties: PartiesRow,
  movement: { type: 'payment' | 'refund'; amount: string; status: string; description: string | null; at: Date },
): TransactionRow {
  // A payment's parties always name the payee.
  const accountId = side === 'payer' ? parties.account_id : parties.payee_account_id!;
  const debits = (side === 'payer') === (movement.type === 'payment');
  return {
    id: transactionIdOf(referenceId, accountId),
    account_id: accountId,
    user_id: side === 'payer' ? parties.user_id : parties.payee_user_id!,
    type: movement.type,
    direction: debits ? 'debit' : 'credit',
    amount: movement.amount,
    currency: parties.currency,
    status: movement.status,
    reference_id: referenceId,
    description: movement.description,
    created_at: movement.at,
    updated_at: movement.at,
  };
}
