import "server-only";
import { ApiError } from "@/lib/api/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { lockTeam } from "./lock-team";
import { assertCanManage, assertKeepsAnOwner } from "./team-rules";

export async function changeMemberRole(opts: {
  tenantId: string;
  actorUserId: string;
  userId: string;
  role: Role;
}): Promise<{ userId: string; role: Role }> {
  const { tenantId, actorUserId, userId, role } = opts;
  return db.$transaction(async (tx) => {
    const team = await lockTeam(tx, tenantId);
    const actorRole = team.get(actorUserId);
    const current = team.get(userId);
    // Viewers learn nothing about who is a member: permission is checked before existence.
    assertCanManage(actorRole, { from: current ?? null, to: role });
    if (!current) throw new ApiError({ code: "not_found", message: "No such member in this tenant." });
    if (current === role) return { userId, role };
    assertKeepsAnOwner(team.values(), { from: current, to: role });
    await tx.membership.update({ where: { tenantId_userId: { tenantId, userId } }, data: { role } });
    await recordAudit(tx, {
      tenantId,
      actor: { type: "user", id: actorUserId },
      action: "member.role_changed",
      target: { type: "user", id: userId },
      data: { from: current, to: role },
    });
    return { userId, role };
  });
}
