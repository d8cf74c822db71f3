import "server-only";
import { z } from "zod";
import { createTenant, type TenantSummary } from "./create-tenant";

export const ZCreateTenant = z.object({
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
});

/** A signed-in user creates another tenant and becomes its owner. */
export function createOwnedTenant(opts: { userId: string; name: string }): Promise<TenantSummary> {
  return createTenant({ name: opts.name, ownerUserId: opts.userId, actor: { type: "user", id: opts.userId } });
}
