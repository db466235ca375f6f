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

-- Appends to several streams in one round trip and one transaction.
-- p_expected per stream: -1 any, -2 no_stream, -3 stream_exists, >= 0 the exact last revision.
-- Events are given flat; p_event_stream (1-based) and p_event_offset place each in its stream.
-- A failed expectation raises SQLSTATE ES409 with the stream's index and actual revision.
CREATE FUNCTION es_append(
  p_streams text[],
  p_expected bigint[],
  p_counts int[],
  p_event_stream int[],
  p_event_offset int[],
  p_ids uuid[],
  p_types text[],
  p_data jsonb[],
  p_metadata jsonb[]
) RETURNS TABLE (transaction_id xid8, last_position bigint, revisions bigint[])
LANGUAGE plpgsql AS $$
DECLARE
  v_revisions bigint[] := '{}';
  v_current bigint;
  v_last bigint;
BEGIN
  FOR i IN 1 .. array_length(p_streams, 1) LOOP
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
      RAISE EXCEPTION 'wrong expected revision'
        USING ERRCODE = 'ES409', DETAIL = json_build_object('index', i, 'actual', v_current)::text;
    END IF;
    v_revisions := v_revisions || v_current;
  END LOOP;

  WITH inserted AS (
    INSERT INTO es_events (stream_name, stream_revision, event_id, event_type, data, metadata)
    SELECT p_streams[e.stream], v_revisions[e.stream] - p_counts[e.stream] + 1 + e.offset_in_stream,
           e.id, e.type, e.data, e.metadata
      FROM unnest(p_event_stream, p_event_offset, p_ids, p_types, p_data, p_metadata)
           WITH ORDINALITY AS e(stream, offset_in_stream, id, type, data, metadata, ordinal)
     ORDER BY e.ordinal
    RETURNING global_position
  )
  SELECT max(inserted.global_position) INTO v_last FROM inserted;

  PERFORM pg_notify('es_events', '');
  RETURN QUERY SELECT pg_current_xact_id(), v_last, v_revisions;
END;
$$;

-- Down Migration
DROP FUNCTION es_append;
DROP TABLE es_events;
DROP TABLE es_streams;
