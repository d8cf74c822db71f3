import "server-only";
import { db } from "@/lib/db/client";
import type { Role } from "./roles";

export interface ConsoleUser {
  id: string;
  email: string;
  name: string | null;
}

export interface TenantMembership {
  tenantId: string;
  tenantName: string;
  role: Role;
}

export interface ConsoleSession {
  user: ConsoleUser;
  /** Every tenant the user belongs to, oldest membership first. */
  memberships: TenantMembership[];
  /** The active tenant: the requested one if the user is a member, else the first; null if none. */
  active: TenantMembership | null;
}

/**
 * Resolves user, memberships and the active tenant from the database on every call, so a
 * removed member or a demoted admin loses access on their next request.
 */
export async function resolveConsoleSession(
  userId: string,
  requestedTenantId: string | undefined,
): Promise<ConsoleSession | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      memberships: {
        select: { tenantId: true, role: true, tenant: { select: { name: true } } },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  if (!user) return null;
  const memberships = user.memberships.map((m) => ({ tenantId: m.tenantId, tenantName: m.tenant.name, role: m.role }));
  const active = memberships.find((m) => m.tenantId === requestedTenantId) ?? memberships[0] ?? null;
  return { user: { id: user.id, email: user.email, name: user.name }, memberships, active };
}
