-- Up Migration

-- The public events feed (API.md "Outgoing webhooks and the events feed"), written by the
-- public-events projection: one row per ledger fact an owner may see, kept indefinitely.
-- Ordered by the ledger event's $all position, then by the fact's place among that event's facts.
CREATE TABLE rm_public_events (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  -- Users who see the event besides admins; empty: admins only.
  owner_user_ids uuid[] NOT NULL,
  position_commit numeric(20) NOT NULL,
  position_prepare numeric(20) NOT NULL,
  ordinal smallint NOT NULL,
  created timestamptz NOT NULL,
  -- The resource as JSON text: it keeps its field order, as the API shows it (jsonb would sort
  -- them), and unlike json it can be compared, as a rebuild does.
  data text NOT NULL
);
CREATE UNIQUE INDEX rm_public_events_in_order ON rm_public_events (position_commit, position_prepare, ordinal);
-- A user's feed: `owner_user_ids @> ARRAY[user]`.
CREATE INDEX rm_public_events_by_owner ON rm_public_events USING gin (owner_user_ids);

-- The state of each resource the public events show (a payment, a transfer), folded from its
-- stream by the same projection, so that an event carries the resource as it was at that moment.
CREATE TABLE rm_public_event_resources (
  id text PRIMARY KEY, -- the stream name
  owner_user_ids uuid[] NOT NULL,
  state jsonb NOT NULL
);

-- Endpoint configuration is not money: written directly, not event-sourced.
CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY,
  owner_user_id uuid NOT NULL,
  -- An admin's endpoints receive every user's events.
  owner_is_admin boolean NOT NULL,
  url text NOT NULL,
  event_types text[] NOT NULL,
  description text,
  status text NOT NULL CHECK (status IN ('enabled', 'disabled')),
  disabled_reason text,
  -- Kept readable: every delivery is signed with it.
  secret text NOT NULL,
  -- Set by the first failed attempt after a success; an endpoint failing for 3 days is disabled.
  failing_since timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_by_owner ON webhook_endpoints (owner_user_id, created_at DESC, id DESC);

-- One row per (endpoint, public event) to deliver: the fan-out's idempotent side effect.
CREATE TABLE webhook_deliveries (
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id uuid NOT NULL,
  position_commit numeric(20) NOT NULL,
  position_prepare numeric(20) NOT NULL,
  ordinal smallint NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  -- When pending: due from then. A claim also pushes it a lease ahead.
  next_attempt_at timestamptz NOT NULL,
  -- The API process working it (its liveness lock key): if that process dies, it is freed at once.
  claimed_by int,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  PRIMARY KEY (endpoint_id, event_id)
);
-- Which endpoints have something due, and which of an endpoint's deliveries come first.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_claimed ON webhook_deliveries (claimed_by) WHERE status = 'pending' AND claimed_by IS NOT NULL;
CREATE INDEX webhook_deliveries_in_order ON webhook_deliveries (endpoint_id, position_commit, position_prepare, ordinal)
  WHERE status = 'pending';

-- Every attempt: what the endpoint answered (a truncated excerpt of errors only, never the body).
CREATE TABLE webhook_delivery_attempts (
  id bigserial PRIMARY KEY,
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id uuid NOT NULL,
  status_code int,
  duration_ms int NOT NULL,
  error text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_delivery_attempts_by_endpoint ON webhook_delivery_attempts (endpoint_id, at DESC, id DESC);

-- How far the fan-out has moved public events into deliveries (one row).
CREATE TABLE webhook_fanout_checkpoint (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  position_commit numeric(20) NOT NULL DEFAULT 0,
  position_prepare numeric(20) NOT NULL DEFAULT 0,
  ordinal smallint NOT NULL DEFAULT -1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO webhook_fanout_checkpoint DEFAULT VALUES;

-- Down Migration
DROP TABLE webhook_fanout_checkpoint;
DROP TABLE webhook_delivery_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE rm_public_event_resources;
DROP TABLE rm_public_events;
