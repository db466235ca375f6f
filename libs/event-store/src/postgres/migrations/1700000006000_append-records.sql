-- Up Migration

-- An append may carry a record committed in its transaction (AppendOptions.record): the app's
-- idempotency record, so that a command's events and its answer cost one write.
--
-- es_append is as in 1700000004000_appends-linear-chained-failures-content-once.sql, except:
--
-- - p_records: one element per append, NULL for none. After an append's events are inserted, its
--   record goes to es_append_record(record jsonb, transaction_id xid8, last_position bigint),
--   inside the append's block. The event store does not define that function: the application
--   that passes records does, and writes them where it likes. A record it cannot write (its place
--   is held) it refuses with RAISE ... USING ERRCODE = 'ES423': the block fails that append alone,
--   as it does a wrong revision, and reports it (the adapter's RecordTakenError).
-- - Each append's events are gathered into arrays of their own, element by element, as its streams'
--   heads move, and inserted from those: before, the INSERT took slices of the call's arrays
--   (p_data[from:to] and six more), and PL/pgSQL holds array parameters expanded, so every slice
--   first copied the whole array flat. A call of 3,000 one-event appends copied the call's data and
--   metadata 3,000 times: 510–683 ms of server CPU, now 177–207 ms (linear); at 16 appends a call no
--   difference (PostgreSQL 15, BENCHMARKS.md). Same rows in the same order. p_event_stream is no
--   longer read; it stays so that every version of es_append takes the adapter's one call.
-- - The check for appends decided on a failed one is made only once an append of the call failed
--   (it cost about 5 µs a stream on every append: 1,517 → 1,433 µs of server CPU for a call of 16
--   one-event appends, PostgreSQL 15, medians of 4–6 alternating rounds; BENCHMARKS.md).
--
-- A new parameter is a new signature: the old function is dropped (CREATE OR REPLACE would add an
-- overload, and the grants name es_append alone).
DROP FUNCTION es_append(int[], int[], int[], int[], text[], bigint[], int[], int[], int[], uuid[], text[], jsonb[], jsonb[]);

CREATE FUNCTION es_append(
  p_stream_from int[],
  p_stream_to int[],
  p_event_from int[],
  p_event_to int[],
  p_streams text[],
  p_expected bigint[],
  p_counts int[],
  p_event_stream int[],
  p_event_offset int[],
  p_ids uuid[],
  p_types text[],
  p_data jsonb[],
  p_metadata jsonb[],
  p_records jsonb[] DEFAULT NULL
) RETURNS TABLE (
  append_index int,
  error_code text,
  error_detail text,
  transaction_id xid8,
  last_position bigint,
  revisions bigint[]
)
LANGUAGE plpgsql AS $$
DECLARE
  -- The events of the append being written, gathered as its streams' heads move (see below).
  v_append_events int;
  v_event_streams text[];
  v_event_revisions bigint[];
  v_event_ids uuid[];
  v_event_types text[];
  v_event_data jsonb[];
  v_event_metadata jsonb[];
  v_event_hashes bytea[];
  v_lock bigint;
  v_hashes bytea[] := array_fill(NULL::bytea, ARRAY[array_length(p_ids, 1)]);
  v_revisions bigint[];
  v_current bigint;
  v_head bigint;
  v_hash bytea;
  v_first int;
  v_failed_streams text[] := '{}';
  v_failed_revisions bigint[] := '{}';
  v_written boolean := false;
  v_now timestamptz := now();
  v_rests bytea[] := array_fill(NULL::bytea, ARRAY[array_length(p_ids, 1)]);
BEGIN
  -- Each event's content from its id on, before any append's block: an assignment outside them
  -- sets its expression up once for the whole call, one inside them once per append.
  FOR e IN 1 .. array_length(p_ids, 1) LOOP
    v_rests[e] := es_event_content_rest(p_ids[e], p_types[e], p_data[e]::text, p_metadata[e]::text, v_now);
  END LOOP;

  -- Lock every stream of the batch before the first write, in one global order: the transaction
  -- id (assigned at the first write) then follows lock order, so $all orders each stream's
  -- events by revision, and batches cannot deadlock. Advisory locks assign no transaction id.
  FOR v_lock IN SELECT DISTINCT hashtextextended(name, 0) FROM unnest(p_streams) AS name ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(v_lock);
  END LOOP;

  FOR a IN 1 .. array_length(p_stream_from, 1) LOOP
    append_index := a;
    BEGIN
      v_revisions := '{}';
      v_first := p_event_from[a];
      v_append_events := 0;
      v_event_streams := '{}'; v_event_revisions := '{}'; v_event_ids := '{}'; v_event_types := '{}';
      v_event_data := '{}'; v_event_metadata := '{}'; v_event_hashes := '{}';
      FOR i IN p_stream_from[a] .. p_stream_to[a] LOOP
        v_current := NULL;
        v_hash := NULL;
        -- Decided on the outcome of an append that failed: whatever the stream holds there now,
        -- it is not what this append was decided on.
        -- (Asked only once an append of the call failed: the EXISTS makes the condition a query of
        -- its own, set up and run for every stream, where the outer test is a plain expression.)
        IF cardinality(v_failed_streams) > 0 THEN
          IF p_expected[i] >= 0 AND EXISTS (
               SELECT 1 FROM unnest(v_failed_streams, v_failed_revisions) AS failed(stream_name, revision)
                WHERE failed.stream_name = p_streams[i] AND failed.revision = p_expected[i]) THEN
            SELECT s.revision INTO v_current FROM es_streams AS s WHERE s.stream_name = p_streams[i];
            RAISE EXCEPTION 'decided on a failed append' USING ERRCODE = 'ES409',
              DETAIL = json_build_object('index', i - p_stream_from[a] + 1, 'actual', v_current)::text;
          END IF;
        END IF;
        IF p_counts[i] = 1 AND p_expected[i] <> -2 THEN
          -- One event: chained in the statement that moves the stream's head (s.hash is the old head there).
          UPDATE es_streams AS s SET revision = s.revision + 1,
                 hash = es_event_hash(s.hash, es_event_content_head(p_streams[i], s.revision + 1) || v_rests[v_first])
           WHERE s.stream_name = p_streams[i] AND (p_expected[i] < 0 OR s.revision = p_expected[i])
          RETURNING s.revision, s.hash INTO v_current, v_hash;
          IF v_current IS NULL AND p_expected[i] = -1 THEN
            v_hash := es_event_hash(NULL, es_event_content_head(p_streams[i], 0) || v_rests[v_first]);
            INSERT INTO es_streams AS s VALUES (p_streams[i], 0, v_hash) RETURNING s.revision INTO v_current;
          END IF;
          v_hashes[v_first] := v_hash;
        ELSE
          v_head := NULL;
          IF p_expected[i] <> -2 THEN
            SELECT s.revision, s.hash INTO v_head, v_hash FROM es_streams AS s WHERE s.stream_name = p_streams[i];
          END IF;
          FOR e IN v_first .. v_first + p_counts[i] - 1 LOOP
            v_hash := es_event_hash(v_hash,
              es_event_content_head(p_streams[i], coalesce(v_head, -1) + 1 + p_event_offset[e]) || v_rests[e]);
            v_hashes[e] := v_hash;
          END LOOP;
          IF p_expected[i] = -2 THEN
            INSERT INTO es_streams AS s VALUES (p_streams[i], p_counts[i] - 1, v_hash)
              ON CONFLICT DO NOTHING RETURNING s.revision INTO v_current;
          ELSIF p_expected[i] = -1 THEN
            INSERT INTO es_streams AS s VALUES (p_streams[i], p_counts[i] - 1, v_hash)
              ON CONFLICT (stream_name) DO UPDATE SET revision = s.revision + p_counts[i], hash = v_hash
              RETURNING s.revision INTO v_current;
          ELSE
            UPDATE es_streams AS s SET revision = s.revision + p_counts[i], hash = v_hash
              WHERE s.stream_name = p_streams[i] AND (p_expected[i] = -3 OR s.revision = p_expected[i])
              RETURNING s.revision INTO v_current;
          END IF;
        END IF;
        IF v_current IS NULL THEN
          SELECT s.revision INTO v_current FROM es_streams AS s WHERE s.stream_name = p_streams[i];
          RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'ES409',
            DETAIL = json_build_object('index', i - p_stream_from[a] + 1, 'actual', v_current)::text;
        END IF;
        FOR e IN v_first .. v_first + p_counts[i] - 1 LOOP
          v_append_events := v_append_events + 1;
          v_event_streams[v_append_events] := p_streams[i];
          v_event_revisions[v_append_events] := v_current - p_counts[i] + 1 + p_event_offset[e];
          v_event_ids[v_append_events] := p_ids[e];
          v_event_types[v_append_events] := p_types[e];
          v_event_data[v_append_events] := p_data[e];
          v_event_metadata[v_append_events] := p_metadata[e];
          v_event_hashes[v_append_events] := v_hashes[e];
        END LOOP;
        v_revisions := v_revisions || v_current;
        v_first := v_first + p_counts[i];
      END LOOP;

      WITH inserted AS (
        INSERT INTO es_events (stream_name, stream_revision, event_id, event_type, data, metadata, created_at, hash)
        SELECT e.stream_name, e.revision, e.id, e.type, e.data, e.metadata, v_now, e.hash
          FROM unnest(v_event_streams, v_event_revisions, v_event_ids, v_event_types, v_event_data,
                      v_event_metadata, v_event_hashes)
               WITH ORDINALITY AS e(stream_name, revision, id, type, data, metadata, hash, ordinal)
         ORDER BY e.ordinal
        RETURNING global_position
      )
      SELECT max(inserted.global_position) INTO last_position FROM inserted;
      IF p_records[a] IS NOT NULL THEN
        PERFORM es_append_record(p_records[a], pg_current_xact_id(), last_position);
      END IF;

      error_code := NULL;
      error_detail := NULL;
      transaction_id := pg_current_xact_id();
      revisions := v_revisions;
      v_written := true;
      RETURN NEXT;
    EXCEPTION
      WHEN SQLSTATE 'ES409' OR SQLSTATE 'ES423' OR unique_violation THEN
        -- What this append would have left its streams at: appends decided on it fail too.
        SELECT v_failed_streams || array_agg(p_streams[i]),
               v_failed_revisions || array_agg(greatest(p_expected[i], -1) + p_counts[i])
          INTO v_failed_streams, v_failed_revisions
          FROM generate_series(p_stream_from[a], p_stream_to[a]) AS i
         WHERE p_expected[i] >= 0 OR p_expected[i] = -2;
        IF SQLSTATE IN ('ES409', 'ES423') THEN
          error_code := SQLSTATE;
          GET STACKED DIAGNOSTICS error_detail = PG_EXCEPTION_DETAIL;
        ELSE
          error_code := '23505';
          GET STACKED DIAGNOSTICS error_detail = CONSTRAINT_NAME;
        END IF;
        transaction_id := NULL; last_position := NULL; revisions := NULL;
        RETURN NEXT;
    END;
  END LOOP;

  IF v_written THEN
    PERFORM pg_notify('es_events', '');
  END IF;
END;
$$;

-- Down Migration
-- es_append stays as it is: given no records, it writes what the one it replaced did.
