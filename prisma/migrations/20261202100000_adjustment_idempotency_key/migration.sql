-- POST /api/v1/adjustments takes an Idempotency-Key: a retry (after a timeout or a 503 whose
-- commit did happen) returns the adjustment already made instead of making a second one.
ALTER TABLE "adjustments" ADD COLUMN "idempotency_key" TEXT COLLATE "C",
  ADD COLUMN "request_fingerprint" TEXT;

CREATE UNIQUE INDEX "adjustments_tenant_id_idempotency_key_key" ON "adjustments"("tenant_id", "idempotency_key");
