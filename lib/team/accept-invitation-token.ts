import "server-only";
import { ApiError } from "@/lib/api/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Role } from "@/lib/auth/roles";
import type { Prisma } from "@/lib/generated/prisma/client";
import { hashInvitationToken } from "./invitation-token";

/**
 * Accepts the one invitation whose secret link is `token` for the user with `email` (signing
 * up, or signed in), inside the caller's transaction (so a refusal rolls a sign-up back).
 * The link must exist, be unexpired, and have been sent to `email`. It is single use.
 * Returns the joined tenant id and role. `field` names the token in the caller's request body,
 * for the error's path.
 */
export async function acceptInvitationToken(
  tx: Prisma.TransactionClient,
  opts: { userId: string; email: string; token: string; field: "inviteToken" | "token" },
): Promise<{ tenantId: string; role: Role }> {
  const tokenHash = hashInvitationToken(opts.token);
  const inv = await tx.invitation.findUnique({ where: { tokenHash } });
  if (!inv) {
    throw new ApiError({
      code: "not_found",
      message: "This invitation link is not valid: it was cancelled, replaced by a newer link, or already used.",
    });
  }
  if (inv.expiresAt.getTime() <= Date.now()) {
    throw new ApiError({
      code: "validation_failed",
      message: `${opts.field}: this invitation link has expired; ask for a new one.`,
      details: [{ path: opts.field, message: "this invitation link has expired; ask for a new one" }],
    });
  }
  if (inv.email !== opts.email.trim().toLowerCase()) {
    throw new ApiError({
      code: "validation_failed",
      message: "email: must be the address this invitation was sent to.",
      details: [{ path: "email", message: "must be the address this invitation was sent to" }],
    });
  }
  // Conditional on the hash: a concurrent re-invite or acceptance makes this link dead.
  const used = await tx.invitation.deleteMany({ where: { tenantId: inv.tenantId, email: inv.email, tokenHash } });
  if (used.count !== 1) {
    throw new ApiError({ code: "not_found", message: "This invitation link was just used or replaced." });
  }
  // Already a member (added another way since): the link is spent, the role is unchanged.
  const created = await tx.membership.createMany({
    data: [{ tenantId: inv.tenantId, userId: opts.userId, role: inv.role }],
    skipDuplicates: true,
  });
  if (created.count === 0) {
    throw new ApiError({ code: "conflict", message: "You are already a member of this tenant." });
  }
  await recordAudit(tx, {
    tenantId: inv.tenantId,
    actor: { type: "user", id: opts.userId },
    action: "invitation.accepted",
    target: { type: "user", id: opts.userId },
    data: { email: inv.email, role: inv.role, via: "invite_link" },
  });
  return { tenantId: inv.tenantId, role: inv.role };
}
