-- Up Migration

-- A balance is a sum of amounts of at most 2^53 - 1 each, and nothing bounds the sum: as bigint, a
-- balance past 2^63 - 1 stopped the accounts projection for good (and every read waiting on it).
-- numeric holds any such sum exactly; reads get the same decimal text as before.
ALTER TABLE rm_accounts ALTER COLUMN ledger TYPE numeric, ALTER COLUMN held TYPE numeric;

-- Down Migration
ALTER TABLE rm_accounts ALTER COLUMN ledger TYPE bigint, ALTER COLUMN held TYPE bigint;
