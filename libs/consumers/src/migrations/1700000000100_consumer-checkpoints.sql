-- Up Migration

-- Where each named consumer (projection or reactor) has got to in $all. NULL: the start.
CREATE TABLE consumer_checkpoints (
  name text PRIMARY KEY,
  position text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE consumer_checkpoints;
