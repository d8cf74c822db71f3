-- counter_uniques keeps a distinct value longer than 1 KiB as 'sha256:' + hex SHA-256
-- (lib/ingest/unique-value.ts, storedUniqueValue): as its text, a value past the 2,704 bytes a
-- btree entry holds failed the whole ingest batch. Long values stored before (only compressible
-- ones fit) take that form, so the same value in a later event is not counted a second time.
UPDATE "counter_uniques" SET "value" = 'sha256:' || encode(sha256(convert_to("value", 'UTF8')), 'hex')
  WHERE octet_length("value") > 1024;
