import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Prisma } from "@/lib/generated/prisma/client";

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
  const invitations = await tx.invitation.findMany({
    where: { email: opts.email, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "asc" },
  });
  const joined: string[] = [];
  for (const inv of invitations) {
    const created = await tx.membership.createMany({
      data: [{ tenantId: inv.tenantId, userId: opts.userId, role: inv.role }],
      skipDuplicates: true,
    });
    await tx.invitation.delete({ where: { tenantId_email: { tenantId: inv.tenantId, email: inv.email } } });
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
