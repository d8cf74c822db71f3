import { recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/ids";

export interface CreateTenantOptions {
  name: string;
  /** The user who becomes the tenant's owner, if any (the CLI creates tenants without one). */
  ownerUserId?: string;
  actor: { type: "user" | "cli" | "system"; id?: string | null };
}

export interface TenantSummary {
  id: string;
  name: string;
  createdAt: Date;
}

export async function createTenant(opts: CreateTenantOptions): Promise<TenantSummary> {
  const name = opts.name.trim();
  if (!name) throw new Error("tenant name is required");
  const id = newId("ten");
  return db.$transaction(async (tx) => {
    const tenant = await tx.tenant.create({ data: { id, name } });
    if (opts.ownerUserId) {
      await tx.membership.create({ data: { tenantId: id, userId: opts.ownerUserId, role: "owner" } });
    }
    await recordAudit(tx, {
      tenantId: id,
      actor: opts.actor,
      action: "tenant.created",
      target: { type: "tenant", id },
      data: { name },
    });
    return { id: tenant.id, name: tenant.name, createdAt: tenant.createdAt };
  });
}
