-- Up Migration

CREATE TABLE rm_payments (
  id uuid PRIMARY KEY,
  payer_account_id uuid NOT NULL,
  payee_account_id uuid NOT NULL,
  payer_user_id uuid NOT NULL,
  payee_user_id uuid NOT NULL,
  currency text NOT NULL,
  capture_method text NOT NULL,
  status text NOT NULL,
  authorized_amount bigint NOT NULL,
  captured_amount bigint NOT NULL DEFAULT 0,
  refunded_amount bigint NOT NULL DEFAULT 0,
  capture_expires_at timestamptz,
  description text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX rm_payments_by_payer ON rm_payments (payer_account_id, created_at DESC, id DESC);
CREATE INDEX rm_payments_by_payee ON rm_payments (payee_account_id, created_at DESC, id DESC);
CREATE INDEX rm_payments_by_payer_user ON rm_payments (payer_user_id, created_at DESC, id DESC);
CREATE INDEX rm_payments_by_payee_user ON rm_payments (payee_user_id, created_at DESC, id DESC);
-- The expiry sweeper's query.
CREATE INDEX rm_payments_expiring ON rm_payments (capture_expires_at) WHERE status = 'authorized';

CREATE TABLE rm_refunds (
  id uuid PRIMARY KEY,
  payment_id uuid NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  reason text,
  created_at timestamptz NOT NULL
);
CREATE INDEX rm_refunds_by_payment ON rm_refunds (payment_id, created_at DESC);

-- Down Migration
DROP TABLE rm_refunds;
DROP TABLE rm_payments;
