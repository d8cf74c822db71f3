-- Ingest tells a retry (same key, same payload) from a conflict (same key, other payload) by
-- comparing the stored row's fields with the new event's (lib/ingest/ingest-events.ts), only
-- for the keys that already exist. A SHA-256 of every payload, stored on every row for that
-- rare comparison, cost hashing on every event and 44 bytes on every ledger row.
ALTER TABLE "events" DROP COLUMN "payload_hash";
