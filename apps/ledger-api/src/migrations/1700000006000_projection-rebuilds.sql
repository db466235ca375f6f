-- Up Migration

-- Admin rebuilds of read models: one row per rebuild, its progress and outcome. `projections`
-- are all that were rebuilt together (those sharing a table with the one asked for).
CREATE TABLE projection_rebuilds (
  id uuid PRIMARY KEY,
  projection text NOT NULL,
  projections text[] NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  processed bigint NOT NULL DEFAULT 0,
  total bigint NOT NULL DEFAULT 0,
  differences jsonb,
  error text,
  started_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX projection_rebuilds_latest ON projection_rebuilds (projection, started_at DESC);
CREATE INDEX projection_rebuilds_running ON projection_rebuilds (status) WHERE status = 'running';

-- Down Migration
DROP TABLE projection_rebuilds;
