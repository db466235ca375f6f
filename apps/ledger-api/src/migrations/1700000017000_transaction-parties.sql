-- Up Migration

-- The accounts of each payment and transfer, kept by the transactions projection, the one writer
-- of rm_transactions: a payment's or transfer's later events name only it, yet a capture credits
-- the payee and a settlement updates its account's row. The projection is new: with no checkpoint
-- it reads `$all` from the start, filling this table and bringing rm_transactions to the same rows.
CREATE TABLE rm_transaction_parties (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  user_id uuid NOT NULL,
  payee_account_id uuid,
  payee_user_id uuid,
  currency text NOT NULL
);

-- Down Migration
DROP TABLE rm_transaction_parties;
