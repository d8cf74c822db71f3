-- A late event moves its customer's open period by exactly one automatic adjustment
-- (lib/ingest/ingest-events.ts): a second one for the same event would count it twice.
-- Manual adjustments have no event (NULL), and NULLs never collide in a unique index.
CREATE UNIQUE INDEX "adjustments_tenant_id_event_id_key" ON "adjustments"("tenant_id", "event_id");
