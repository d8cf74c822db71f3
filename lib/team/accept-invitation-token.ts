import "server-only";
import { ApiError } from "@/lib/api/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Prisma } from "@/lib/generated/prisma/client";
import { hashInvitationToken } from "./invitation-token";

/**
 * Accepts the one invitation whose secret link is `token`, for a user signing up with
 * `email`, inside the caller's transaction (so a refusal rolls the whole sign-up back).
 * The link must exist, be unexpired, and have been sent to `email`. It is single use.
 * Returns the joined tenant id.
 */
export async function acceptInvitationToken(
  tx: Prisma.TransactionClient,
  opts: { userId: string; email: string; token: string },
): Promise<string> {
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
      message: "inviteToken: this invitation link has expired; ask for a new one.",
      details: [{ path: "inviteToken", message: "this invitation link has expired; ask for a new one" }],
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
  await tx.membership.create({ data: { tenantId: inv.tenantId, userId: opts.userId, role: inv.role } });
  await recordAudit(tx, {
    tenantId: inv.tenantId,
    actor: { type: "user", id: opts.userId },
    action: "invitation.accepted",
    target: { type: "user", id: opts.userId },
    data: { email: inv.email, role: inv.role, via: "invite_link" },
  });
  return inv.tenantId;
}
