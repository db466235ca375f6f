-- Up Migration

CREATE TABLE rm_transfers (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('deposit', 'withdrawal')),
  account_id uuid NOT NULL,
  user_id uuid NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  status text NOT NULL,
  failure_reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX rm_transfers_by_account ON rm_transfers (kind, account_id, created_at DESC, id DESC);
CREATE INDEX rm_transfers_by_user ON rm_transfers (kind, user_id, created_at DESC, id DESC);
CREATE INDEX rm_transfers_by_status ON rm_transfers (kind, status, created_at DESC, id DESC);

-- One row per account per money movement.
CREATE TABLE rm_transactions (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  user_id uuid NOT NULL,
  type text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('credit', 'debit')),
  amount bigint NOT NULL,
  currency text NOT NULL,
  status text NOT NULL,
  reference_id uuid NOT NULL,
  description text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX rm_transactions_by_account ON rm_transactions (account_id, created_at DESC, id DESC);
CREATE INDEX rm_transactions_by_user ON rm_transactions (user_id, created_at DESC, id DESC);
CREATE INDEX rm_transactions_by_reference ON rm_transactions (reference_id);

CREATE TABLE rm_reviews (
  id uuid PRIMARY KEY,
  transfer_id uuid NOT NULL,
  event_id text NOT NULL,
  callback_type text NOT NULL,
  transfer_status text NOT NULL,
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'resolved')),
  created_at timestamptz NOT NULL
);
CREATE INDEX rm_reviews_by_status ON rm_reviews (status, created_at DESC, id DESC);

-- Down Migration
DROP TABLE rm_reviews;
DROP TABLE rm_transactions;
DROP TABLE rm_transfers;
