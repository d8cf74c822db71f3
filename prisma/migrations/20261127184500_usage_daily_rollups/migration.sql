-- Per-day usage rollups of closed days, for the projection's trailing-7-day rate (lib/projection).
-- CreateTable
CREATE TABLE "usage_daily_rollups" (
    "tenant_id" TEXT NOT NULL,
    "customer_ref" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "metric" TEXT NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    "quantity" DECIMAL(38,6) NOT NULL,
    "events" BIGINT NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_daily_rollups_pkey" PRIMARY KEY ("tenant_id","customer_ref","period_start","metric","day")
);

