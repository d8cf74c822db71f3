import "server-only";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { hashInvitationToken } from "./invitation-token";

export interface InvitationPreview {
  tenantName: string;
  email: string;
  role: Role;
  expired: boolean;
  /** The invited email already has an account: accept signed in, not by signing up. */
  hasAccount: boolean;
}

/** What the sign-up page shows for an invite link; null when the link is unknown. */
export async function findInvitationByToken(token: string): Promise<InvitationPreview | null> {
  if (!token || token.length > 100) return null;
  const inv = await db.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    select: { email: true, role: true, expiresAt: true, tenant: { select: { name: true } } },
  });
  if (!inv) return null;
  const account = await db.user.findUnique({ where: { email: inv.email }, select: { id: true } });
  return {
    tenantName: inv.tenant.name,
    email: inv.email,
    role: inv.role,
    expired: inv.expiresAt.getTime() <= Date.now(),
    hasAccount: account !== null,
  };
}
