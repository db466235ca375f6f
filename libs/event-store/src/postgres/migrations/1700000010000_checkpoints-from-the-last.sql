-- Up Migration
-- es_write_checkpoint reads $all from the last checkpoint on, not from its start.
--
-- Its two queries over the events since the last checkpoint said "no checkpoint yet, or after
-- it": under the plan PL/pgSQL keeps after a few calls, that condition is a filter, and the index
-- on $all's order was read from the first event. The count scanned every event ever appended, and
-- the heads every row of them: 220 ms a second at 51,000 events, growing with history (a
-- benchmark run's million events kept a core busy). Compared with the last checkpoint's values,
-- or the lowest position when there is none, the index starts at that checkpoint. It writes the
-- same checkpoints as before.
CREATE OR REPLACE FUNCTION es_write_checkpoint(p_min_events int, p_max_age interval) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_last es_checkpoints%ROWTYPE;
  v_horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
  v_id bigint;
  v_count bigint;
  v_after_transaction xid8;
  v_after_position bigint;
  v_up_to_transaction xid8;
  v_up_to_position bigint;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended('es_write_checkpoint', 0)) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO v_last FROM es_checkpoints ORDER BY id DESC LIMIT 1;
  -- Where the last checkpoint ends; with none yet, before every event.
  v_after_transaction := coalesce(v_last.up_to_transaction, '0'::xid8);
  v_after_position := coalesce(v_last.up_to_position, 0);
  -- Asked every second: counts no further than it needs to decide.
  SELECT count(*) INTO v_count FROM (
    SELECT 1 FROM es_events AS e
     WHERE e.transaction_id < v_horizon
       AND (e.transaction_id, e.global_position) > (v_after_transaction, v_after_position)
     LIMIT p_min_events
  ) AS since_last;
  IF v_count = 0 OR (v_count < p_min_events AND v_last.id IS NOT NULL AND v_last.created_at > now() - p_max_age) THEN
    RETURN NULL;
  END IF;
  SELECT e.transaction_id, e.global_position INTO v_up_to_transaction, v_up_to_position FROM es_events AS e
   WHERE e.transaction_id < v_horizon
   ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1;
  v_id := coalesce(v_last.id, 0) + 1;
  INSERT INTO es_checkpoint_heads (checkpoint_id, stream_name, revision, hash)
    SELECT DISTINCT ON (e.stream_name) v_id, e.stream_name, e.stream_revision, e.hash FROM es_events AS e
     WHERE (e.transaction_id, e.global_position) <= (v_up_to_transaction, v_up_to_position)
       AND (e.transaction_id, e.global_position) > (v_after_transaction, v_after_position)
     ORDER BY e.stream_name, e.stream_revision DESC;
  INSERT INTO es_checkpoints (id, up_to_transaction, up_to_position, stream_count, previous_digest, digest)
    SELECT v_id, v_up_to_transaction, v_up_to_position, count(*), v_last.digest,
           es_checkpoint_digest(v_last.digest, v_id, v_up_to_position)
      FROM es_checkpoint_heads WHERE checkpoint_id = v_id;
  RETURN v_id;
END;
$$;

-- Down Migration
-- es_write_checkpoint stays as it is: it writes the same checkpoints as the one it replaced.
