-- Up Migration

-- An answer's idempotency record written in one statement, claim and result at once: with the
-- command's events (es_append_record, called by the event store's es_append inside the append's
-- transaction), or alone (a refusal, a retry that found its command's events already written).
-- The record: {"userId", "key", "fingerprint", "statusCode", "bodyText", "headers", "ttlHours"}.
--
-- The key is taken if free or if idempotency_key_takeable says so. Else the key is held and
-- nothing is written: false.

-- The one rule for taking over a key's record, for claims (IdempotencyStore.claim) and for records
-- written whole: it has expired, or it is a claim of the same request that was abandoned — its
-- process is gone (its liveness lock, namespace 0x4c4956 = 4999510, is free: see
-- instance-liveness.ts), known at once, or, as a safety net, it has run 60 seconds, far beyond the
-- server's request timeout, so no live request still holds it.
CREATE FUNCTION idempotency_key_takeable(p_held idempotency_keys, p_fingerprint text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT p_held.expires_at < now()
      OR (p_held.state = 'running' AND p_held.fingerprint = p_fingerprint
          AND (p_held.created_at < now() - interval '60 seconds' OR NOT EXISTS (
                 SELECT 1 FROM pg_locks
                  WHERE locktype = 'advisory' AND granted AND objsubid = 2
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    AND classid = 4999510 AND objid = p_held.owner::oid)))
$$;

CREATE FUNCTION idempotency_record_answer(p_record jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO idempotency_keys AS held
         (user_id, key, fingerprint, state, status_code, body_text, headers, expires_at)
  VALUES (p_record->>'userId', p_record->>'key', p_record->>'fingerprint', 'done', (p_record->>'statusCode')::int,
          p_record->>'bodyText', p_record->'headers', now() + make_interval(hours => (p_record->>'ttlHours')::int))
  ON CONFLICT (user_id, key) DO UPDATE
     SET fingerprint = EXCLUDED.fingerprint, state = 'done', status_code = EXCLUDED.status_code, body = NULL,
         body_text = EXCLUDED.body_text, headers = EXCLUDED.headers, created_at = now(),
         expires_at = EXCLUDED.expires_at, owner = NULL
   WHERE idempotency_key_takeable(held, EXCLUDED.fingerprint);
  RETURN FOUND;
END;
$$;

-- The record of an answer, committed with its command's events: the answer names the position of
-- the append's last event (X-Ledger-Position, as positionToString writes it), which only the append
-- knows. A key held fails this append alone (ES423: es_append's RecordTakenError).
CREATE FUNCTION es_append_record(p_record jsonb, p_transaction_id xid8, p_last_position bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT idempotency_record_answer(jsonb_set(p_record, '{headers,X-Ledger-Position}',
                                             to_jsonb(p_transaction_id::text || '-' || p_last_position::text))) THEN
    RAISE EXCEPTION 'Idempotency-Key is held' USING ERRCODE = 'ES423';
  END IF;
END;
$$;

-- Down Migration
DROP FUNCTION es_append_record(jsonb, xid8, bigint);
DROP FUNCTION idempotency_record_answer(jsonb);
DROP FUNCTION idempotency_key_takeable(idempotency_keys, text);
