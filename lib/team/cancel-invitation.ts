import "server-only";
import { ApiError } from "@/lib/api/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { lockInvitation, lockTeam } from "./lock-team";
import { assertCanManage } from "./team-rules";

export async function cancelInvitation(opts: { tenantId: string; actorUserId: string; email: string }): Promise<void> {
  const { tenantId, actorUserId } = opts;
  const email = opts.email.trim().toLowerCase();
  await db.$transaction(async (tx) => {
    const team = await lockTeam(tx, tenantId);
    const invitation = await lockInvitation(tx, tenantId, email);
    assertCanManage(team.get(actorUserId), { from: invitation?.role ?? null, to: null });
    if (!invitation) throw new ApiError({ code: "not_found", message: "No pending invitation for that email." });
    await tx.invitation.delete({ where: { tenantId_email: { tenantId, email } } });
    await recordAudit(tx, {
      tenantId,
      actor: { type: "user", id: actorUserId },
      action: "invitation.cancelled",
      target: { type: "invitation", id: email },
      data: { email, role: invitation.role },
    });
  });
}
