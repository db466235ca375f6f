/**
 * What an application defines to take records with its appends (AppendOptions.record), for tests
 * of the PostgreSQL store: a record per key, refused while the key is held.
 */
export const POSTGRES_TEST_RECORDS = `
  CREATE TABLE test_records (key text PRIMARY KEY, transaction_id xid8 NOT NULL, last_position bigint NOT NULL);
  GRANT SELECT, INSERT ON test_records TO PUBLIC;
  CREATE FUNCTION es_append_record(p_record jsonb, p_transaction_id xid8, p_last_position bigint) RETURNS void
  LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO test_records VALUES (p_record->>'key', p_transaction_id, p_last_position) ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'record % taken', p_record->>'key' USING ERRCODE = 'ES423';
    END IF;
  END;
  $$;`;
