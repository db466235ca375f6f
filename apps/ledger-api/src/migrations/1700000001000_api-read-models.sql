-- Up Migration

-- Read models, written only by projections (apps/ledger-api/src/**/*.projection.ts).
CREATE TABLE rm_users (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE rm_accounts (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  currency text NOT NULL,
  status text NOT NULL,
  ledger bigint NOT NULL DEFAULT 0,
  held bigint NOT NULL DEFAULT 0,
  position text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX rm_accounts_by_user ON rm_accounts (user_id, created_at DESC, id DESC);
CREATE INDEX rm_accounts_newest ON rm_accounts (created_at DESC, id DESC);

-- The one write outside the event store: what a POST with an Idempotency-Key answered.
CREATE TABLE idempotency_keys (
  user_id text NOT NULL,
  key text NOT NULL,
  fingerprint text NOT NULL,
  state text NOT NULL CHECK (state IN ('running', 'done')),
  status_code int,
  body jsonb,
  headers jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Down Migration
DROP TABLE idempotency_keys;
DROP TABLE rm_accounts;
DROP TABLE rm_users;
