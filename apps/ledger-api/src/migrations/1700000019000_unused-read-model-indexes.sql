-- Up Migration

-- Indexes no query reads: every payment wrote six entries into them. Transactions are listed by
-- account or user and found by id (the projection settles a row by its id, no longer by reference);
-- the journal is read whole (ledger verification sums it per currency), never by movement or account.
DROP INDEX IF EXISTS rm_transactions_by_reference;
DROP INDEX IF EXISTS rm_journal_by_movement;
DROP INDEX IF EXISTS rm_journal_by_account;

-- Down Migration
CREATE INDEX rm_journal_by_account ON rm_journal (account, id);
CREATE INDEX rm_journal_by_movement ON rm_journal (movement_id);
CREATE INDEX rm_transactions_by_reference ON rm_transactions (reference_id);
