import "server-only";
import { ApiError } from "@/lib/api/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { lockTeam } from "./lock-team";
import { assertCanManage, assertKeepsAnOwner } from "./team-rules";

export async function removeMember(opts: { tenantId: string; actorUserId: string; userId: string }): Promise<void> {
  const { tenantId, actorUserId, userId } = opts;
  await db.$transaction(async (tx) => {
    const team = await lockTeam(tx, tenantId);
    const current = team.get(userId);
    assertCanManage(team.get(actorUserId), { from: current ?? null, to: null });
    if (!current) throw new ApiError({ code: "not_found", message: "No such member in this tenant." });
    assertKeepsAnOwner(team.values(), { from: current, to: null });
    await tx.membership.delete({ where: { tenantId_userId: { tenantId, userId } } });
    await recordAudit(tx, {
      tenantId,
      actor: { type: "user", id: actorUserId },
      action: "member.removed",
      target: { type: "user", id: userId },
      data: { role: current },
    });
  });
}
