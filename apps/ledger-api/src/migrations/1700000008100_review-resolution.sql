-- Up Migration

-- How an operator resolved a review item (API.md: resolvedBy, resolvedAt, decision), and why.
ALTER TABLE rm_reviews
  ADD COLUMN decision text CHECK (decision IN ('accept_bank', 'keep_ledger')),
  ADD COLUMN note text,
  ADD COLUMN resolved_by text,
  ADD COLUMN resolved_at timestamptz;

-- Down Migration
ALTER TABLE rm_reviews DROP COLUMN decision, DROP COLUMN note, DROP COLUMN resolved_by, DROP COLUMN resolved_at;
