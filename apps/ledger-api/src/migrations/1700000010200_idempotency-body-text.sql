-- Up Migration

-- The answer's body as the bytes first sent: jsonb keeps neither key order nor spacing, so a replay
-- read from `body` could differ from the first answer. Rows written before keep `body` (their replay
-- is the same JSON, its keys perhaps reordered) until they expire.
ALTER TABLE idempotency_keys ADD COLUMN body_text text;

-- Down Migration
ALTER TABLE idempotency_keys DROP COLUMN body_text;
