-- Up Migration

-- The correlation id of the request that asked for the transfer: the dispatcher sends it to the
-- bank (X-Correlation-ID), which echoes it on its callbacks, so one id follows the whole deposit
-- or withdrawal through the logs and the events. Null for transfers made before this column.
ALTER TABLE bank_work ADD COLUMN correlation_id text;

-- Down Migration
ALTER TABLE bank_work DROP COLUMN correlation_id;
