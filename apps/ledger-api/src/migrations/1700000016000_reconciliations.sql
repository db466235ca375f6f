-- Up Migration

-- One row per reconciliation run with the bank (the run itself is the reconciliation-<id> stream).
CREATE TABLE rm_reconciliations (
  id uuid PRIMARY KEY,
  file_sha256 text NOT NULL,
  statement_from date,
  statement_to date,
  lines integer NOT NULL,
  matched integer NOT NULL,
  exceptions integer NOT NULL,
  open_exceptions integer NOT NULL,
  recorded_by text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX rm_reconciliations_newest ON rm_reconciliations (created_at DESC, id DESC);

-- Settled transfers by when they settled: a statement's days find what the bank should have listed.
CREATE INDEX rm_transfers_settled ON rm_transfers (status, updated_at);

-- Down Migration
DROP INDEX rm_transfers_settled;
DROP TABLE rm_reconciliations;
