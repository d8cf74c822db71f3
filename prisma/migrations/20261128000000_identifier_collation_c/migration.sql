-- Identifier columns compare byte-wise (COLLATE "C"), whatever the database's default collation.
--
-- These columns hold opaque identifiers (ids, tenant ids, customer refs, metric names,
-- idempotency keys, hashes). They lead every btree index, so every index insert and lookup
-- compares them. Under a libc locale such as en_US.UTF-8 or C.UTF-8 each comparison goes
-- through strcoll: in the batched-ingest benchmark that was about 4 % of all CPU (perf).
-- "C" compares with memcmp. It also makes Postgres order these columns the way the
-- application does (compareKeys in lib/ingest/normalize.ts, the `COLLATE "C"` sorts in ingest).
-- Equality is unchanged: every libc collation Postgres uses here is deterministic.
--
-- Prisma's schema language has no column collation, so schema.prisma cannot say this.
-- tests/integration/identifier-collation.test.ts checks that it holds.

ALTER TABLE "tenants" ALTER COLUMN "id" TYPE TEXT COLLATE "C";
ALTER TABLE "users" ALTER COLUMN "id" TYPE TEXT COLLATE "C";
ALTER TABLE "memberships" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "user_id" TYPE TEXT COLLATE "C";
ALTER TABLE "invitations" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "token_hash" TYPE TEXT COLLATE "C";
ALTER TABLE "api_keys" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "hash" TYPE TEXT COLLATE "C";
ALTER TABLE "meters" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "metric" TYPE TEXT COLLATE "C";
ALTER TABLE "customers" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "customer_ref" TYPE TEXT COLLATE "C";
ALTER TABLE "events" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "idempotency_key" TYPE TEXT COLLATE "C",
  ALTER COLUMN "metric" TYPE TEXT COLLATE "C",
  ALTER COLUMN "customer_ref" TYPE TEXT COLLATE "C";
ALTER TABLE "counters" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "meter_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "customer_ref" TYPE TEXT COLLATE "C";
ALTER TABLE "counter_uniques" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "meter_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "customer_ref" TYPE TEXT COLLATE "C",
  ALTER COLUMN "value" TYPE TEXT COLLATE "C";
ALTER TABLE "adjustments" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "meter_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "customer_ref" TYPE TEXT COLLATE "C",
  ALTER COLUMN "reverts_id" TYPE TEXT COLLATE "C";
ALTER TABLE "audit_logs" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "id" TYPE TEXT COLLATE "C";
ALTER TABLE "prices" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "metric" TYPE TEXT COLLATE "C";
ALTER TABLE "usage_daily_rollups" ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "customer_ref" TYPE TEXT COLLATE "C",
  ALTER COLUMN "metric" TYPE TEXT COLLATE "C";
