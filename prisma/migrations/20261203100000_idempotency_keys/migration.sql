-- One Idempotency-Key store for every create endpoint that takes the header (POST /api/v1/meters,
-- /prices, /adjustments): the key, the request it was first used for, and the 201 body then
-- answered, which a retry gets again even after the object changed (as Stripe does). The
-- adjustments' own columns (20261202100000_adjustment_idempotency_key) move here.
CREATE TABLE "idempotency_keys" (
    "tenant_id" TEXT COLLATE "C" NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "endpoint" TEXT NOT NULL,
    "request_fingerprint" TEXT NOT NULL,
    "response" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("tenant_id","key")
);

ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The keys adjustments were made under, with the answer they were made with: the adjustment as
-- toAdjustmentView (lib/adjustments/list-adjustments.ts) shows it (adjustments never change).
-- json, not jsonb: the keys keep their order. Orphans (a tenant since deleted) are left out.
INSERT INTO "idempotency_keys" ("tenant_id", "key", "endpoint", "request_fingerprint", "response", "created_at")
SELECT a."tenant_id", a."idempotency_key", 'POST /api/v1/adjustments', a."request_fingerprint",
  json_build_object(
    'id', a."id",
    'metric', m."metric",
    'customerRef', a."customer_ref",
    'periodStart', to_char(a."period_start" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    -- formatDecimal: no trailing zeros, no trailing point, no "-0"
    'delta', CASE WHEN rtrim(rtrim(a."delta"::text, '0'), '.') = '-0' THEN '0'
                  ELSE rtrim(rtrim(a."delta"::text, '0'), '.') END,
    'reason', a."reason",
    'actor', a."actor",
    'eventId', a."event_id"::text,
    'revertsId', a."reverts_id",
    'createdAt', to_char(a."created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )::text,
  a."created_at"
FROM "adjustments" a
JOIN "meters" m ON m."tenant_id" = a."tenant_id" AND m."id" = a."meter_id"
JOIN "tenants" t ON t."id" = a."tenant_id"
WHERE a."idempotency_key" IS NOT NULL AND a."request_fingerprint" IS NOT NULL;

DROP INDEX "adjustments_tenant_id_idempotency_key_key";
ALTER TABLE "adjustments" DROP COLUMN "idempotency_key", DROP COLUMN "request_fingerprint";
