-- Up Migration

-- Aggregate snapshots, kept by the snapshots projection (never on the write path): a stream's
-- state as of `revision`, so a load reads only the events after it.
CREATE TABLE aggregate_snapshots (
  stream_name text PRIMARY KEY,
  revision bigint NOT NULL,
  position text NOT NULL,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE aggregate_snapshots;
