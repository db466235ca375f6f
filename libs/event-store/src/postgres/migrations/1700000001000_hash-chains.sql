-- Up Migration

-- Tamper evidence. Every event carries a hash over its stream's previous hash and its own content,
-- computed by es_append where the stream is already locked (no new lock, group commit kept); the
-- stream row keeps its head hash. Checkpoints chain digests of the stream heads changed since the
-- one before, so that a deleted stream tail or a rolled-back history is caught too.

ALTER TABLE es_events ADD COLUMN hash bytea;
ALTER TABLE es_streams ADD COLUMN hash bytea;

-- The content an event's hash covers, each field length-prefixed so that no two events share it.
-- data and metadata as jsonb text (keys sorted, no insignificant whitespace); time in microseconds.
CREATE FUNCTION es_event_content(
  p_stream text, p_revision bigint, p_id uuid, p_type text, p_data jsonb, p_metadata jsonb, p_time timestamptz
) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT convert_to(
    length(p_stream) || ':' || p_stream || length(p_revision::text) || ':' || p_revision::text ||
    '36:' || p_id::text || length(p_type) || ':' || p_type ||
    length(p_data::text) || ':' || p_data::text || length(p_metadata::text) || ':' || p_metadata::text ||
    (floor(extract(epoch FROM p_time) * 1000000))::bigint::text,
    'UTF8')
$$;

-- The hash of an event given the hash before it in its stream (none for a stream's first event).
CREATE FUNCTION es_event_hash(p_previous bytea, p_content bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT sha256(coalesce(p_previous, '\x'::bytea) || p_content)
$$;

-- Events recorded before chains: chained now, in each stream's order.
DO $$
DECLARE
  v_event record;
  v_stream text := NULL;
  v_hash bytea;
BEGIN
  FOR v_event IN SELECT * FROM es_events ORDER BY stream_name, stream_revision LOOP
    IF v_stream IS DISTINCT FROM v_event.stream_name THEN
      v_stream := v_event.stream_name;
      v_hash := NULL;
    END IF;
    v_hash := es_event_hash(v_hash, es_event_content(v_event.stream_name, v_event.stream_revision,
      v_event.event_id, v_event.event_type, v_event.data, v_event.metadata, v_event.created_at));
    UPDATE es_events SET hash = v_hash WHERE global_position = v_event.global_position;
  END LOOP;
  UPDATE es_streams AS s SET hash = e.hash
    FROM es_events AS e WHERE e.stream_name = s.stream_name AND e.stream_revision = s.revision;
END;
$$;

-- As before (see 1700000000000_event-store.sql), and each event's hash chained on its stream's head.
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
  v_hashes bytea[] := array_fill(NULL::bytea, ARRAY[array_length(p_ids, 1)]);
  v_revisions bigint[];
  v_current bigint;
  v_head bigint;
  v_hash bytea;
  v_written boolean := false;
  v_now timestamptz := now();
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
        -- The stream's head before this append (locked above): where its events' chain goes on.
        v_head := NULL;
        v_hash := NULL;
        SELECT s.revision, s.hash INTO v_head, v_hash FROM es_streams AS s WHERE s.stream_name = p_streams[i];
        FOR e IN p_event_from[a] .. p_event_to[a] LOOP
          CONTINUE WHEN p_event_stream[e] <> i;
          v_hash := es_event_hash(v_hash, es_event_content(p_streams[i], coalesce(v_head, -1) + 1 + p_event_offset[e],
            p_ids[e], p_types[e], p_data[e], p_metadata[e], v_now));
          v_hashes[e] := v_hash;
        END LOOP;

        v_current := NULL;
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
        IF v_current IS NULL THEN
          SELECT s.revision INTO v_current FROM es_streams AS s WHERE s.stream_name = p_streams[i];
          RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'ES409',
            DETAIL = json_build_object('index', i - p_stream_from[a] + 1, 'actual', v_current)::text;
        END IF;
        v_stream_revisions[i] := v_current;
        v_revisions := v_revisions || v_current;
      END LOOP;

      WITH inserted AS (
        INSERT INTO es_events (stream_name, stream_revision, event_id, event_type, data, metadata, created_at, hash)
        SELECT p_streams[e.stream], v_stream_revisions[e.stream] - p_counts[e.stream] + 1 + e.offset_in_stream,
               e.id, e.type, e.data, e.metadata, v_now, e.hash
          FROM unnest(
                 p_event_stream[p_event_from[a]:p_event_to[a]],
                 p_event_offset[p_event_from[a]:p_event_to[a]],
                 p_ids[p_event_from[a]:p_event_to[a]],
                 p_types[p_event_from[a]:p_event_to[a]],
                 p_data[p_event_from[a]:p_event_to[a]],
                 p_metadata[p_event_from[a]:p_event_to[a]],
                 v_hashes[p_event_from[a]:p_event_to[a]]
               ) WITH ORDINALITY AS e(stream, offset_in_stream, id, type, data, metadata, hash, ordinal)
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

-- A checkpoint: the heads (revision and hash) of every stream changed since the checkpoint before
-- it, up to a position in $all, and a digest over them chained to that checkpoint's digest.
-- Both tables only ever get rows added.
CREATE TABLE es_checkpoints (
  id bigint PRIMARY KEY,
  up_to_transaction xid8 NOT NULL,
  up_to_position bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  stream_count int NOT NULL,
  previous_digest bytea,
  digest bytea NOT NULL
);
CREATE TABLE es_checkpoint_heads (
  checkpoint_id bigint NOT NULL,
  stream_name text NOT NULL,
  revision bigint NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (checkpoint_id, stream_name)
);

-- A checkpoint's digest: the previous digest, its id and position, and its heads in stream order.
CREATE FUNCTION es_checkpoint_digest(p_previous bytea, p_checkpoint bigint, p_up_to_position bigint) RETURNS bytea
LANGUAGE sql STABLE AS $$
  SELECT sha256(coalesce(p_previous, '\x'::bytea) || convert_to(p_checkpoint::text || ':' || p_up_to_position::text, 'UTF8') ||
    coalesce((SELECT string_agg(convert_to(length(h.stream_name) || ':' || h.stream_name || h.revision::text || ':', 'UTF8') || h.hash,
                                '\x'::bytea ORDER BY h.stream_name)
                FROM es_checkpoint_heads AS h WHERE h.checkpoint_id = p_checkpoint), '\x'::bytea))
$$;

-- Records a checkpoint when at least p_min_events were appended since the last one, or any were
-- and the last is older than p_max_age; only events no running transaction can precede are
-- covered (as $all reads them). One writer at a time across processes; the others return at once.
-- Returns the new checkpoint's id, or NULL.
CREATE FUNCTION es_write_checkpoint(p_min_events int, p_max_age interval) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_last es_checkpoints%ROWTYPE;
  v_horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
  v_id bigint;
  v_count bigint;
  v_up_to_transaction xid8;
  v_up_to_position bigint;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended('es_write_checkpoint', 0)) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO v_last FROM es_checkpoints ORDER BY id DESC LIMIT 1;
  -- Asked every second: counts no further than it needs to decide.
  SELECT count(*) INTO v_count FROM (
    SELECT 1 FROM es_events AS e
     WHERE e.transaction_id < v_horizon
       AND (v_last.id IS NULL OR (e.transaction_id, e.global_position) > (v_last.up_to_transaction, v_last.up_to_position))
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
       AND (v_last.id IS NULL OR (e.transaction_id, e.global_position) > (v_last.up_to_transaction, v_last.up_to_position))
     ORDER BY e.stream_name, e.stream_revision DESC;
  INSERT INTO es_checkpoints (id, up_to_transaction, up_to_position, stream_count, previous_digest, digest)
    SELECT v_id, v_up_to_transaction, v_up_to_position, count(*), v_last.digest,
           es_checkpoint_digest(v_last.digest, v_id, v_up_to_position)
      FROM es_checkpoint_heads WHERE checkpoint_id = v_id;
  RETURN v_id;
END;
$$;

-- Down Migration
DROP FUNCTION es_write_checkpoint;
DROP FUNCTION es_checkpoint_digest;
DROP TABLE es_checkpoint_heads;
DROP TABLE es_checkpoints;
DROP FUNCTION es_event_hash;
DROP FUNCTION es_event_content;
ALTER TABLE es_streams DROP COLUMN hash;
ALTER TABLE es_events DROP COLUMN hash;
