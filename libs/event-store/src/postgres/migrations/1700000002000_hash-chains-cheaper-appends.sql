-- Up Migration

-- Hash chains cost appends less (same hashes, so every recorded chain verifies as before).
--
-- es_event_content was declared IMMUTABLE while it calls STABLE functions (convert_to, extract on
-- timestamptz), so PostgreSQL would not inline it: each event's content was a SQL function call of
-- its own (on PostgreSQL 15 parsed and planned anew in every append). Declared STABLE, as it is,
-- it is inlined where it is called: into es_append's cached plan, and into verification's query
-- (figures in BENCHMARKS.md).
ALTER FUNCTION es_event_content(text, bigint, uuid, text, jsonb, jsonb, timestamptz) STABLE;

-- Down Migration
ALTER FUNCTION es_event_content(text, bigint, uuid, text, jsonb, jsonb, timestamptz) IMMUTABLE;
