-- The guard of an ingest transaction that sends its ledger INSERT together with its counter
-- updates and COMMIT, before knowing which events are new (lib/ingest/ingest-events.ts): when
-- fewer rows were inserted than sent (a retry, a conflict, a concurrent batch with the same
-- key), it fails the statement, so Postgres refuses the counter updates and turns the COMMIT
-- into a ROLLBACK; ingest then writes the batch again the careful way. SQLSTATE SM001 names it.
CREATE FUNCTION "sm_ingest_expect_new"(inserted bigint, expected bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
  IF inserted <> expected THEN
    RAISE EXCEPTION 'ingest: % of % events were new', inserted, expected USING ERRCODE = 'SM001';
  END IF;
  RETURN inserted;
END
$$;
