-- Prices: one per tenant and metric, with Stripe's price fields (lib/pricing).
-- CreateEnum
CREATE TYPE "PriceSource" AS ENUM ('local', 'stripe');

-- CreateTable
CREATE TABLE "prices" (
    "tenant_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "billing_scheme" TEXT NOT NULL,
    "unit_amount_decimal" DECIMAL(32,12),
    "tiers_mode" TEXT,
    "tiers" JSONB,
    "transform_quantity" JSONB,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "source" "PriceSource" NOT NULL DEFAULT 'local',
    "stripe_price_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "prices_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "prices_tenant_id_metric_key" ON "prices"("tenant_id", "metric");

-- AddForeignKey
ALTER TABLE "prices" ADD CONSTRAINT "prices_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

