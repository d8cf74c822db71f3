// Console (cookie session) test helpers: real users and memberships, and a real next-auth JWT.
import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { ACTIVE_TENANT_COOKIE } from "@/lib/tenants/active-tenant-cookie";
import { hashPassword } from "@/lib/users/password";

let counter = 0;

export async function createTestUser(opts: { email?: string; password?: string } = {}) {
  const id = newId("usr");
  const email = opts.email ?? `user${++counter}-${id.slice(4, 12).toLowerCase()}@example.test`;
  await db.user.create({
    data: { id, email, name: null, passwordHash: opts.password ? await hashPassword(opts.password) : null },
  });
  return { id, email };
}

export async function addMember(tenantId: string, userId: string, role: Role): Promise<void> {
  await db.membership.create({ data: { tenantId, userId, role } });
}

/**
 * A Cookie header as the browser would send it after signing in (optionally with a chosen
 * tenant), for the session `sid` (a fresh one unless given).
 */
export async function sessionCookie(
  userId: string,
  activeTenantId?: string,
  sid: string = randomUUID(),
): Promise<string> {
  const secret = process.env.NEXTAUTH_SECRET!;
  const jwt = await encode({ token: { uid: userId, sub: userId, sid }, secret });
  const parts = [`next-auth.session-token=${jwt}`];
  if (activeTenantId) parts.push(`${ACTIVE_TENANT_COOKIE}=${encodeURIComponent(activeTenantId)}`);
  return parts.join("; ");
}
