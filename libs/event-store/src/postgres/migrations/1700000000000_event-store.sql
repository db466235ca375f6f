-- Up Migration

-- One row per stream: its last revision. Appends lock it, which serialises writers of one stream
-- and makes every expected-revision check exact.
CREATE TABLE es_streams (
  stream_name text PRIMARY KEY,
  revision bigint NOT NULL
);

-- $all is ordered by (transaction_id, global_position) and read only below the oldest running
-- transaction, so a reader never passes an event whose transaction commits later.
CREATE TABLE es_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_name text NOT NULL,
  stream_revision bigint NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT es_events_stream_revision_key UNIQUE (stream_name, stream_revision),
  CONSTRAINT es_events_event_id_key UNIQUE (stream_name, event_id)
);
CREATE INDEX es_events_all_order ON es_events (transaction_id, global_position);

-- Writes a batch of independent appends in one round trip and one transaction (group commit).
-- Each append runs in its own subtransaction: it is written whole or, if an expected revision fails
-- or an event id repeats, not at all, and the others go on. Streams and events are given flat;
-- p_stream_from/to and p_event_from/to (1-based, inclusive) give each append its slices, and
-- p_event_stream (an index into p_streams) and p_event_offset place each event in its stream.
-- p_expected per stream: -1 any, -2 no_stream, -3 stream_exists, >= 0 the exact last revision.
-- One row per append: error_code NULL with its revisions and last position, or the failure:
-- ES409 with {"index": stream within the append, "actual": revision or null}, or 23505 with the
-- violated constraint.
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
  p_metadata jsonb[]
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
  v_lock bigint;
  v_stream_revisions bigint[] := array_fill(NULL::bigint, ARRAY[array_length(p_streams, 1)]);
  v_revisions bigint[];
  v_current bigint;
  v_written boolean := false;
BEGIN
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
      FOR i IN p_stream_from[a] .. p_stream_to[a] LOOP
        v_current := NULL;
        IF p_expected[i] = -2 THEN
          INSERT INTO es_streams AS s VALUES (p_streams[i], p_counts[i] - 1)
            ON CONFLICT DO NOTHING RETURNING s.revision INTO v_current;
        ELSIF p_expected[i] = -1 THEN
          INSERT INTO es_streams AS s VALUES (p_streams[i], p_counts[i] - 1)
            ON CONFLICT (stream_name) DO UPDATE SET revision = s.revision + p_counts[i]
            RETURNING s.revision INTO v_current;
        ELSE
          UPDATE es_streams AS s SET revision = s.revision + p_counts[i]
            WHERE s.stream_name = p_streams[i] AND (p_expected[i] = -3 OR s.revision = p_expected[i])
            RETURNING s.revision INTO v_current;
        END IF;
        IF v_current IS NULL THEN
          SELECT s.revision INTO v_current FROM es_streams AS s WHERE s.stream_name = p_streams[i];
          RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'ES409',
            DETAIL = json_build_object('index', i - p_stream_from[a] + 1, 'actual', v_current)::text;
        END IF;
        v_stream_revisions[i] := v_current;
        v_revisions := v_revisions || v_current;
      END LOOP;

      WITH inserted AS (
        INSERT INTO es_events (stream_name, stream_revision, event_id, event_type, data, metadata)
        SELECT p_streams[e.stream], v_stream_revisions[e.stream] - p_counts[e.stream] + 1 + e.offset_in_stream,
               e.id, e.type, e.data, e.metadata
          FROM unnest(
                 p_event_stream[p_event_from[a]:p_event_to[a]],
                 p_event_offset[p_event_from[a]:p_event_to[a]],
                 p_ids[p_event_from[a]:p_event_to[a]],
                 p_types[p_event_from[a]:p_event_to[a]],
                 p_data[p_event_from[a]:p_event_to[a]],
                 p_metadata[p_event_from[a]:p_event_to[a]]
               ) WITH ORDINALITY AS e(stream, offset_in_stream, id, type, data, metadata, ordinal)
         ORDER BY e.ordinal
        RETURNING global_position
      )
      SELECT max(inserted.global_position) INTO last_position FROM inserted;

      error_code := NULL;
      error_detail := NULL;
      transaction_id := pg_current_xact_id();
      revisions := v_revisions;
      v_written := true;
      RETURN NEXT;
    EXCEPTION
      WHEN SQLSTATE 'ES409' THEN
        error_code := 'ES409';
        GET STACKED DIAGNOSTICS error_detail = PG_EXCEPTION_DETAIL;
        transaction_id := NULL; last_position := NULL; revisions := NULL;
        RETURN NEXT;
      WHEN unique_violation THEN
        error_code := '23505';
        GET STACKED DIAGNOSTICS error_detail = CONSTRAINT_NAME;
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
DROP FUNCTION es_append;
DROP TABLE es_events;
DROP TABLE es_streams;
