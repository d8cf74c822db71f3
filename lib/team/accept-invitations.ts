import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Prisma, Role } from "@/lib/generated/prisma/client";

/**
 * Turns every unexpired pending invitation for `email` into a membership of `userId`,
 * inside the caller's transaction. Only for an email the caller has proven the user owns
 * (an OAuth provider's verified email); password sign-up accepts by secret link instead
 * (accept-invitation-token.ts). Returns the tenant ids joined.
 */
export async function acceptInvitations(
  tx: Prisma.TransactionClient,
  opts: { userId: string; email: string; verifiedBy: string },
): Promise<string[]> {
  // Consumed and read in one statement: an invitation renewed (new role) or cancelled while
  // this runs is seen as it is after that commit — the renewed role, or no invitation — never
  // as it was when first read.
  const invitations = await tx.$queryRaw<Array<{ tenantId: string; email: string; role: Role; createdAt: Date }>>`
    DELETE FROM invitations WHERE email = ${opts.email} AND expires_at > now()
    RETURNING tenant_id AS "tenantId", email, role, created_at AS "createdAt"`;
  invitations.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const joined: string[] = [];
  for (const inv of invitations) {
    const created = await tx.membership.createMany({
      data: [{ tenantId: inv.tenantId, userId: opts.userId, role: inv.role }],
      skipDuplicates: true,
    });
    if (created.count === 1) {
      joined.push(inv.tenantId);
      await recordAudit(tx, {
        tenantId: inv.tenantId,
        actor: { type: "user", id: opts.userId },
        action: "invitation.accepted",
        target: { type: "user", id: opts.userId },
        data: { email: inv.email, role: inv.role, via: opts.verifiedBy },
      });
    }
  }
  return joined;
}
