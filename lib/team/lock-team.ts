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

/**
 * Locks the pending invitation of `email` (after lockTeam) and returns its role, or null when
 * there is none. An OAuth sign-in accepting it (lib/team/accept-invitations.ts) deletes it in
 * one statement: a renewal or cancel either locks it first (the acceptance then sees the
 * renewed role, or nothing) or finds it gone once the acceptance commits — never a row that
 * was accepted meanwhile.
 */
export async function lockInvitation(
  tx: Prisma.TransactionClient,
  tenantId: string,
  email: string,
): Promise<{ role: Role } | null> {
  const rows = await tx.$queryRaw<{ role: Role }[]>`
    SELECT role::text AS role FROM invitations WHERE tenant_id = ${tenantId} AND email = ${email} FOR UPDATE`;
  return rows[0] ?? null;
}
