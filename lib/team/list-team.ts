import "server-only";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";

export interface TeamMember {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: Date;
}

export interface PendingInvitation {
  email: string;
  role: Role;
  invitedAt: Date;
  /** The invite link stops working at this time; inviting the email again makes a new one. */
  expiresAt: Date;
}

export async function listTeam(tenantId: string): Promise<{ members: TeamMember[]; invitations: PendingInvitation[] }> {
  const [members, invitations] = await Promise.all([
    db.membership.findMany({
      where: { tenantId },
      include: { user: { select: { email: true, name: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db.invitation.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" } }),
  ]);
  return {
    members: members.map((m) => ({
      userId: m.userId,
      email: m.user.email,
      name: m.user.name,
      role: m.role,
      joinedAt: m.createdAt,
    })),
    invitations: invitations.map((i) => ({
      email: i.email,
      role: i.role,
      invitedAt: i.createdAt,
      expiresAt: i.expiresAt,
    })),
  };
}
