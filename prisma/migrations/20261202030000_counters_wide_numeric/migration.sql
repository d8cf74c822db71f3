-- A counter sums its events: 32 integer digits (numeric(38,6), as one event's quantity) were
-- not enough for the sum of two large quantities. The upsert then failed with "numeric field
-- overflow", the whole batch with it, and every later batch touching that counter: usage was
-- refused until the period ended. 54 integer digits cannot be reached by summing 32-digit
-- quantities, and 60 significant digits are what the app's decimal arithmetic keeps exactly
-- (lib/ingest/decimal.ts). The daily rollups are sums too. Widening the precision of a numeric
-- with the same scale does not rewrite the table.
ALTER TABLE "counters" ALTER COLUMN "value" SET DATA TYPE DECIMAL(60,6),
  ALTER COLUMN "adjustment_total" SET DATA TYPE DECIMAL(60,6),
  ALTER COLUMN "pushed_value" SET DATA TYPE DECIMAL(60,6);
ALTER TABLE "usage_daily_rollups" ALTER COLUMN "quantity" SET DATA TYPE DECIMAL(60,6);
