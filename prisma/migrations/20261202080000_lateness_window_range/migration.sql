-- A tenant's lateness window is now settable (console Settings, lib/tenants/tenant-settings.ts).
-- Stripe finalizes an invoice up to 72 h after its period ends, so a window beyond that would
-- file usage in a period already invoiced; ingest clamped it at read time, the table now
-- refuses it. A value written before (only possible by hand) is brought into range.
UPDATE "tenants" SET "lateness_window_hours" = LEAST(GREATEST("lateness_window_hours", 0), 72)
  WHERE "lateness_window_hours" NOT BETWEEN 0 AND 72;

ALTER TABLE "tenants" ADD CONSTRAINT "tenants_lateness_window_hours_range"
  CHECK ("lateness_window_hours" BETWEEN 0 AND 72);
