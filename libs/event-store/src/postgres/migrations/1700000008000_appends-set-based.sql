-- Up Migration

-- es_append writes a call whose appends all hold in a few statements.
--
-- Until now each append ran in a block of its own (a subtransaction), and each of its streams in
-- statements of its own (the head's UPDATE, its hash expression set up again at every execution):
-- with 16 one-event appends a call, the chains made the call about a fifth dearer than before them
-- (BENCHMARKS.md).
--
-- Now, with every stream of the call locked as before:
-- 1. one query reads the heads of the call's streams (one stream: a plain read by key);
-- 2. if every stream is named once in the call and every append's expectation holds, the hashes
--    are chained in a loop over the call's events (expressions only, set up once a call); then one
--    INSERT writes every event, one upsert moves every head, and one statement hands the records
--    to es_append_record;
-- 3. otherwise, or if a write fails (an event id already in its stream, a record whose key is
--    held), what step 2 wrote is undone and the call goes to es_append_each: the function until
--    now, renamed and unchanged, which fails the appends that fail and writes the others.
-- The rows written and the answers are the same either way (postgres-append-paths.int-spec.ts).

ALTER FUNCTION es_append(int[], int[], int[], int[], text[], bigint[], int[], int[], int[], uuid[], text[], jsonb[], jsonb[], jsonb[])
  RENAME TO es_append_each;

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
LANGUAGE plpgsql
-- Plans made once a session: planning the set-based statements anew for each call's arrays cost
-- more than running them.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  v_lock bigint;
  v_locks int := 0;
  v_now timestamptz := now();
  -- Per stream of the call, in p_streams' order: its revision and hash before the call, and after.
  v_head_revisions bigint[];
  v_head_hashes bytea[];
  v_revisions bigint[];
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
  ELSE
    FOR v_lock IN SELECT DISTINCT hashtextextended(name, 0) FROM unnest(p_streams) AS name ORDER BY 1 LOOP
      PERFORM pg_advisory_xact_lock(v_lock);
      v_locks := v_locks + 1;
    END LOOP;
    -- A stream named twice in one call (appends on one hot account, decided one after the other)
    -- goes one append at a time.
    v_all_hold := v_locks = array_length(p_streams, 1);
    IF v_all_hold THEN
      -- Heads read one by one through the primary key (LATERAL … LIMIT 1): a join may hash all
      -- of es_streams.
      SELECT array_agg(h.revision ORDER BY s.entry), array_agg(h.hash ORDER BY s.entry)
        INTO v_head_revisions, v_head_hashes
        FROM unnest(p_streams) WITH ORDINALITY AS s(stream_name, entry)
        LEFT JOIN LATERAL (
          SELECT es_streams.revision, es_streams.hash FROM es_streams
           WHERE es_streams.stream_name = s.stream_name LIMIT 1
        ) AS h ON true;
    END IF;
  END IF;

  IF v_all_hold THEN
    v_revisions := v_head_revisions;
    FOR i IN 1 .. array_length(p_streams, 1) LOOP
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

      -- One upsert, each head found through the primary key (an UPDATE … FROM the arrays is planned
      -- as a hash join over all of es_streams while es_streams is small). A statement of its own: as
      -- a second CTE of the events' INSERT, 16 writers appended a fifth slower (bench:eventstore).
      INSERT INTO es_streams AS s (stream_name, revision, hash)
      SELECT * FROM unnest(p_streams, v_revisions, v_head_hashes)
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
DROP FUNCTION es_append(int[], int[], int[], int[], text[], bigint[], int[], int[], int[], uuid[], text[], jsonb[], jsonb[], jsonb[]);
ALTER FUNCTION es_append_each(int[], int[], int[], int[], text[], bigint[], int[], int[], int[], uuid[], text[], jsonb[], jsonb[], jsonb[])
  RENAME TO es_append;
