import { z } from "zod";

export const ROLES = ["owner", "admin", "viewer"] as const;
export type Role = (typeof ROLES)[number];
export const ZRole = z.enum(ROLES);

const RANK: Record<Role, number> = { viewer: 1, admin: 2, owner: 3 };

/** owner > admin > viewer: does `actual` include everything `required` may do? */
export function roleAtLeast(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}
