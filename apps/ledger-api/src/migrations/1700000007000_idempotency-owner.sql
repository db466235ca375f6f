-- Up Migration

-- The API process running a claimed request (its liveness lock key, see instance-liveness.ts):
-- a claim whose process is gone is taken over at once by the client's retry.
ALTER TABLE idempotency_keys ADD COLUMN owner int;

-- Down Migration
ALTER TABLE idempotency_keys DROP COLUMN owner;
