-- Up Migration
-- es_append writes set-based also a call that names a stream more than once.
--
-- Until now such a call went to es_append_each, one append at a time. Under load a group commit
-- gathers payments to one merchant, so it named the merchant's account in most calls: half of
-- the calls at 64 connections (pg_stat_statements, BENCHMARKS.md).
--
-- Now each entry of a stream named again starts from where the stream's entry before it in the
-- call ends: its expectation is checked against that revision, and its hashes chain on. The
-- events are written as before, and the heads' upsert takes each stream's last entry. The rows
-- written and the answers stay those of es_append_each (postgres-append-paths.int-spec.ts).
CREATE OR REPLACE FUNCTION es_append(
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
LANGUAGE plpgsql
-- Plans made once a session: planning the set-based statements anew for each call's arrays cost
-- more than running them.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  v_lock bigint;
  v_now timestamptz := now();
  -- Per stream of the call, in p_streams' order: its revision and hash before its append, and
  -- after; the earlier entry of the same stream in the call, if any; whether it is the last.
  v_head_revisions bigint[];
  v_head_hashes bytea[];
  v_revisions bigint[];
  v_previous int[];
  v_last_of_stream boolean[];
  -- Per event of the call.
  v_event_streams text[] := array_fill(NULL::text, ARRAY[array_length(p_ids, 1)]);
  v_event_revisions bigint[] := array_fill(NULL::bigint, ARRAY[array_length(p_ids, 1)]);
  v_event_hashes bytea[] := array_fill(NULL::bytea, ARRAY[array_length(p_ids, 1)]);
  v_positions bigint[];
  v_all_hold boolean := true;
  v_hash bytea;
  v_first int := 1;
BEGIN
  -- The same locks, in the same order, as es_append_each takes (it takes them again if called:
  -- advisory locks are reentrant); then the heads of the call's streams.
  IF array_length(p_streams, 1) = 1 THEN
    -- One stream (a lone writer's append): its lock and head without the queries that order and
    -- gather many (cheaper by about a fifth of the call).
    PERFORM pg_advisory_xact_lock(hashtextextended(p_streams[1], 0));
    -- (A new stream: no row, so both arrays are NULL, and their elements read as NULL.)
    SELECT ARRAY[s.revision], ARRAY[s.hash] INTO v_head_revisions, v_head_hashes
      FROM es_streams AS s WHERE s.stream_name = p_streams[1];
    v_last_of_stream := ARRAY[true];
  ELSE
    FOR v_lock IN SELECT DISTINCT hashtextextended(name, 0) FROM unnest(p_streams) AS name ORDER BY 1 LOOP
      PERFORM pg_advisory_xact_lock(v_lock);
    END LOOP;
    -- Heads read one by one through the primary key (LATERAL … LIMIT 1): a join may hash all of
    -- es_streams. A stream named again in the call (payments to one merchant, decided one after
    -- the other) starts where its earlier entry ends, set in the loop below.
    SELECT array_agg(h.revision ORDER BY s.entry), array_agg(h.hash ORDER BY s.entry),
           array_agg(s.previous ORDER BY s.entry), array_agg(s.is_last ORDER BY s.entry)
      INTO v_head_revisions, v_head_hashes, v_previous, v_last_of_stream
      FROM (
        SELECT u.stream_name, u.entry, lag(u.entry) OVER named AS previous, lead(u.entry) OVER named IS NULL AS is_last
          FROM unnest(p_streams) WITH ORDINALITY AS u(stream_name, entry)
        WINDOW named AS (PARTITION BY u.stream_name ORDER BY u.entry)
      ) AS s
      LEFT JOIN LATERAL (
        SELECT es_streams.revision, es_streams.hash FROM es_streams
         WHERE es_streams.stream_name = s.stream_name AND s.previous IS NULL LIMIT 1
      ) AS h ON true;
  END IF;
  IF v_all_hold THEN
    v_revisions := v_head_revisions;
    FOR i IN 1 .. array_length(p_streams, 1) LOOP
      IF v_previous[i] IS NOT NULL THEN
        v_head_revisions[i] := v_revisions[v_previous[i]];
        v_head_hashes[i] := v_head_hashes[v_previous[i]];
      END IF;
      v_all_hold := CASE p_expected[i]
        WHEN -1 THEN true
        WHEN -2 THEN v_head_revisions[i] IS NULL
        WHEN -3 THEN v_head_revisions[i] IS NOT NULL
        ELSE v_head_revisions[i] IS NOT DISTINCT FROM p_expected[i]
      END;
      IF NOT v_all_hold THEN
        EXIT;
      END IF;
      v_hash := v_head_hashes[i];
      FOR e IN v_first .. v_first + p_counts[i] - 1 LOOP
        v_event_streams[e] := p_streams[i];
        v_event_revisions[e] := coalesce(v_head_revisions[i], -1) + 1 + p_event_offset[e];
        v_hash := es_event_hash(v_hash,
          es_event_content_head(p_streams[i], v_event_revisions[e]) ||
          es_event_content_rest(p_ids[e], p_types[e], p_data[e]::text, p_metadata[e]::text, v_now));
        v_event_hashes[e] := v_hash;
      END LOOP;
      v_revisions[i] := coalesce(v_head_revisions[i], -1) + p_counts[i];
      v_head_hashes[i] := v_hash;
      v_first := v_first + p_counts[i];
    END LOOP;
  END IF;

  IF v_all_hold THEN
    BEGIN
      WITH inserted AS (
        INSERT INTO es_events (stream_name, stream_revision, event_id, event_type, data, metadata, created_at, hash)
        SELECT e.stream_name, e.revision, e.id, e.type, e.data, e.metadata, v_now, e.hash
          FROM unnest(v_event_streams, v_event_revisions, p_ids, p_types, p_data, p_metadata, v_event_hashes)
               WITH ORDINALITY AS e(stream_name, revision, id, type, data, metadata, hash, ordinal)
         ORDER BY e.ordinal
        RETURNING es_events.global_position
      )
      -- Positions are drawn in the order the rows are inserted, the call's: the event store has
      -- always relied on that for each stream's revisions to follow $all.
      SELECT array_agg(inserted.global_position ORDER BY inserted.global_position) INTO v_positions FROM inserted;

      -- One upsert of each stream's last head, found through the primary key (an UPDATE … FROM the
      -- arrays is planned as a hash join over all of es_streams while es_streams is small). A
      -- statement of its own: as a second CTE of the events' INSERT, 16 writers appended a fifth
      -- slower (bench:eventstore).
      INSERT INTO es_streams AS s (stream_name, revision, hash)
      SELECT h.stream_name, h.revision, h.hash
        FROM unnest(p_streams, v_revisions, v_head_hashes, v_last_of_stream) AS h(stream_name, revision, hash, is_last)
       WHERE h.is_last
      ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision, hash = excluded.hash;

      IF p_records IS NOT NULL THEN
        PERFORM es_append_record(r.record, pg_current_xact_id(), v_positions[r.last_event])
           FROM unnest(p_records, p_event_to) AS r(record, last_event)
          WHERE r.record IS NOT NULL;
      END IF;
    EXCEPTION
      WHEN SQLSTATE 'ES423' OR unique_violation THEN
        -- What the block wrote is undone; one append at a time tells which append fails.
        v_all_hold := false;
    END;
  END IF;

  IF NOT v_all_hold THEN
    RETURN QUERY SELECT * FROM es_append_each(p_stream_from, p_stream_to, p_event_from, p_event_to, p_streams,
      p_expected, p_counts, p_event_stream, p_event_offset, p_ids, p_types, p_data, p_metadata, p_records);
    RETURN;
  END IF;

  error_code := NULL;
  error_detail := NULL;
  transaction_id := pg_current_xact_id();
  FOR a IN 1 .. array_length(p_stream_from, 1) LOOP
    append_index := a;
    last_position := v_positions[p_event_to[a]];
    revisions := '{}';
    FOR i IN p_stream_from[a] .. p_stream_to[a] LOOP
      revisions := revisions || v_revisions[i];
    END LOOP;
    RETURN NEXT;
  END LOOP;
  PERFORM pg_notify('es_events', '');
END;
$$;

-- Down Migration
-- es_append stays as it is: it writes the same rows and answers as the one it replaced.
