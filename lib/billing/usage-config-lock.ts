import { tenantLockKey } from "@/lib/db/tenant-lock-key";
import type { Prisma } from "@/lib/generated/prisma/client";

// What gives a tenant's counters their meaning may change only while no usage depends on it:
// a meter's aggregation (lib/meters/update-meter.ts) and a customer's billing anchor, which
// decides the period every event and adjustment is filed under
// (lib/customers/update-customer.ts). A writer of usage must not read the old setting while a
// change commits. Every ingest transaction holds this per-tenant advisory lock in shared mode
// from its BEGIN, and so does every adjustment; a change takes it exclusively before it
// checks for usage. Shared holders never wait for each other; a change waits for the writes
// in flight (then sees their usage), and writes arriving meanwhile wait for it (then read the
// new setting — each READ COMMITTED statement after the lock sees it). Unlike a row lock on
// the meter or customer, it writes nothing: no tuple lock, no WAL, no multixact on a row
// every batch touches.

/** First key of the two-key advisory lock: "SM" + "mc" (meter config, its first user). */
export const USAGE_CONFIG_LOCK_CLASS = 0x534d_6d63;

/**
 * The BEGIN of a transaction that writes usage (ingest, adjustments), with the lock in shared
 * mode (integers only: safe to inline, no round trip).
 */
export function usageWriteBeginSql(tenantId: string): string {
  return `BEGIN; SELECT pg_advisory_xact_lock_shared(${USAGE_CONFIG_LOCK_CLASS | 0}, ${tenantLockKey(tenantId)})`;
}

/**
 * Takes the lock exclusively in a Prisma transaction, before a change checks for usage: it
 * waits for the tenant's writes in flight and holds off new ones until the change commits.
 */
export async function lockUsageConfig(tx: Prisma.TransactionClient, tenantId: string): Promise<void> {
  await tx.$queryRawUnsafe(lockUsageConfigSql(tenantId));
}

/** The exclusive lock's statement (integers only), e.g. for `counters verify --fix`. */
export function lockUsageConfigSql(tenantId: string): string {
  return `SELECT 1 AS locked FROM pg_advisory_xact_lock(${USAGE_CONFIG_LOCK_CLASS | 0}, ${tenantLockKey(tenantId)})`;
}
