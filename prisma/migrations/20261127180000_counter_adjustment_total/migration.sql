-- Adjustments kept apart from the raw aggregate so max/last counters stay correct.
ALTER TABLE "counters" ADD COLUMN     "adjustment_total" DECIMAL(38,6) NOT NULL DEFAULT 0;
