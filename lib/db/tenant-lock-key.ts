import { createHash } from "node:crypto";

/**
 * The second key of a per-tenant two-key advisory lock (`pg_advisory_xact_lock(class, key)`):
 * the tenant id hashed to a signed 32-bit integer. Two tenants that collide only wait for
 * each other; they never share data.
 */
export function tenantLockKey(tenantId: string): number {
  return createHash("sha256").update(tenantId).digest().readInt32BE(0);
}
