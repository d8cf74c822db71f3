import "server-only";
import type { Role } from "@/lib/auth/roles";
import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * Locks the tenant's membership rows for the rest of the transaction and returns
 * userId → role. Team changes in one tenant are serialized by this lock, so the actor's
 * role and the owner count read here cannot change before the write (two owners demoting
 * each other at once cannot leave the tenant ownerless).
 */
export async function lockTeam(tx: Prisma.TransactionClient, tenantId: string): Promise<Map<string, Role>> {
  const rows = await tx.$queryRaw<{ user_id: string; role: Role }[]>`
    SELECT user_id, role::text AS role FROM memberships WHERE tenant_id = ${tenantId} ORDER BY user_id FOR UPDATE`;
  return new Map(rows.map((r) => [r.user_id, r.role]));
}
