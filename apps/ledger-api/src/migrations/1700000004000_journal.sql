-- Up Migration

-- Double entry: every movement's postings sum to zero per currency. Money entering or leaving
-- through the bank posts against a system account per currency (bank clearing).
CREATE TABLE rm_journal (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  movement_id uuid NOT NULL,
  account text NOT NULL,
  currency text NOT NULL,
  amount bigint NOT NULL,
  event_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (event_id, account)
);
CREATE INDEX rm_journal_by_movement ON rm_journal (movement_id);
CREATE INDEX rm_journal_by_account ON rm_journal (account, id);

-- The journal projection's own view of account currencies (account events do not repeat it).
CREATE TABLE rm_journal_accounts (
  id uuid PRIMARY KEY,
  currency text NOT NULL
);

-- What each hold is for, so that settling it posts against the right side.
CREATE TABLE rm_journal_holds (
  hold_id uuid PRIMARY KEY,
  reference_type text NOT NULL
);

-- Down Migration
DROP TABLE rm_journal_holds;
DROP TABLE rm_journal_accounts;
DROP TABLE rm_journal;
