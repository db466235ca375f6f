-- Up Migration

-- The bank work of each deposit and withdrawal: made by the bank-work projection from the
-- transfer's events; its schedule (attempts, next attempt, last error) kept by the dispatcher.
CREATE TABLE bank_work (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('deposit', 'withdrawal')),
  account_id uuid NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  status text NOT NULL
    CHECK (status IN ('awaiting_dispatch', 'retrying', 'awaiting_callback', 'parked', 'settled')),
  attempts int NOT NULL,
  last_error text,
  next_attempt_at timestamptz NOT NULL,
  -- When sending (again) began: the retry budget counts from here.
  dispatch_since timestamptz NOT NULL,
  sent_at timestamptz,
  parked_reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX bank_work_due ON bank_work (next_attempt_at)
  WHERE status IN ('awaiting_dispatch', 'retrying', 'awaiting_callback');
CREATE INDEX bank_work_by_status ON bank_work (status, created_at DESC, id DESC);

-- Down Migration
DROP TABLE bank_work;
