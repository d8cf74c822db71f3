import { ApiError } from "@/lib/api/errors";
import { type Role, roleAtLeast } from "@/lib/auth/roles";

/**
 * Who may change whose membership: viewers manage nobody; admins manage admins and
 * viewers; only owners grant or take away the owner role. `from` is the member's current
 * role (null for a new invitation), `to` the new role (null for a removal).
 */
export function assertCanManage(actorRole: Role | undefined, change: { from: Role | null; to: Role | null }): void {
  if (!actorRole || !roleAtLeast(actorRole, "admin")) {
    throw new ApiError({ code: "forbidden", message: "Only admins and owners can manage the team." });
  }
  if ((change.from === "owner" || change.to === "owner") && actorRole !== "owner") {
    throw new ApiError({ code: "forbidden", message: "Only owners can grant or revoke the owner role." });
  }
}

/** A tenant always keeps at least one owner. */
export function assertKeepsAnOwner(roles: Iterable<Role>, change: { from: Role; to: Role | null }): void {
  if (change.from !== "owner" || change.to === "owner") return;
  let owners = 0;
  for (const r of roles) if (r === "owner") owners++;
  if (owners <= 1) {
    throw new ApiError({
      code: "conflict",
      message: "A tenant needs at least one owner: make someone else an owner first.",
    });
  }
}
