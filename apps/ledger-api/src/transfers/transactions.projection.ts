import { deterministicUuid } from '../shared/deterministic-id';
import { TableProjection } from '../shared/projection';

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
 * What a movement does to one account's transaction row: it starts (the row as first shown), or
 * its outcome is known. The payments and transfers projections say which of their events are
 * which; this is the only code that writes the rows.
 */
export type TransactionChange =
  { kind: 'started'; row: TransactionRow } | { kind: 'settled'; id: string; status: string; amount?: string; at: Date };

export const transactionsTable: TableProjection<TransactionChange, TransactionRow> = {
  table: 'rm_transactions',
  rowOf: (change) => (change.kind === 'started' ? change.row.id : change.id),
  evolve(row, change) {
    if (change.kind === 'started') return row ?? change.row;
    if (!row) return null;
    return { ...row, status: change.status, amount: change.amount ?? row.amount, updated_at: change.at };
  },
};
