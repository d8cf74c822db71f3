import "server-only";
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import { type Role, ZRole } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { ZEmail } from "@/lib/users/sign-up";
import { inviteLink, newInvitationToken } from "./invitation-token";
import { lockInvitation, lockTeam } from "./lock-team";
import { assertCanManage } from "./team-rules";

export const ZInviteMember = z.object({ email: ZEmail, role: ZRole });
export type TInviteMember = z.infer<typeof ZInviteMember>;

export interface InviteResult {
  kind: "invitation";
  email: string;
  role: Role;
  /** `/signup?invite=<secret>`: returned once, only its hash is stored. */
  inviteUrl: string;
  expiresAt: string;
  /** True when an earlier pending invitation was replaced (its link stops working). */
  renewed: boolean;
  /** The email already has an account: they open the link signed in and accept. */
  existingAccount: boolean;
}

/**
 * Invites an email to the tenant: a pending invitation whose secret link the invitee must
 * use, signing up with that email or signed in as it. Nobody joins on the email alone (no
 * sign-up verifies an email, so an account may belong to someone who merely claimed it).
 * Inviting a pending email again replaces its link (and role) and restarts the expiry.
 */
export async function inviteMember(
  opts: { tenantId: string; actorUserId: string } & TInviteMember,
): Promise<InviteResult> {
  const { tenantId, actorUserId, email, role } = opts;
  return db.$transaction(async (tx) => {
    const team = await lockTeam(tx, tenantId);
    assertCanManage(team.get(actorUserId), { from: null, to: role });
    const actor = { type: "user" as const, id: actorUserId };
    const pending = await lockInvitation(tx, tenantId, email);
    // Read after the invitation's lock: an OAuth sign-in that accepted it meanwhile has joined.
    const user = await tx.user.findUnique({
      where: { email },
      select: { id: true, memberships: { where: { tenantId }, select: { role: true } } },
    });
    if (user && user.memberships.length > 0) {
      throw new ApiError({ code: "conflict", message: `${email} is already a member.` });
    }
    const { token, tokenHash, expiresAt } = newInvitationToken();
    if (pending) {
      // Replacing an owner invitation is an owner's call, like cancelling it.
      assertCanManage(team.get(actorUserId), { from: pending.role, to: role });
      await tx.invitation.update({
        where: { tenantId_email: { tenantId, email } },
        data: { role, tokenHash, expiresAt, invitedBy: actorUserId, createdAt: new Date() },
      });
    } else {
      await tx.invitation.create({ data: { tenantId, email, role, invitedBy: actorUserId, tokenHash, expiresAt } });
    }
    await recordAudit(tx, {
      tenantId,
      actor,
      action: pending ? "invitation.renewed" : "invitation.created",
      target: { type: "invitation", id: email },
      data: pending
        ? { email, role, previousRole: pending.role, expiresAt: expiresAt.toISOString() }
        : { email, role, expiresAt: expiresAt.toISOString() },
    });
    return {
      kind: "invitation",
      email,
      role,
      inviteUrl: inviteLink(token),
      expiresAt: expiresAt.toISOString(),
      renewed: pending !== null,
      existingAccount: user !== null,
    };
  });
}
