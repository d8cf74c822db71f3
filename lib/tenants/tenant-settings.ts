import { z } from "zod";
import type { AuditActor } from "@/lib/audit/record-audit";
import { recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";

// Stripe finalizes an invoice up to 72 h after its period ends: usage filed in a period after
// that would never be billed. The table refuses more (migration 20261202080000).
export const MAX_LATENESS_WINDOW_HOURS = 72;
export const DEFAULT_LATENESS_WINDOW_HOURS = 48;

export interface TenantSettings {
  /** Hours after a billing period ends during which its late events still count in it. */
  latenessWindowHours: number;
}

export const ZTenantSettingsPatch = z
  .strictObject({
    latenessWindowHours: z
      .number({ error: "latenessWindowHours must be a whole number of hours" })
      .int("latenessWindowHours must be a whole number of hours")
      .min(0, "latenessWindowHours must be at least 0")
      .max(
        MAX_LATENESS_WINDOW_HOURS,
        `latenessWindowHours must be at most ${MAX_LATENESS_WINDOW_HOURS} (Stripe's grace period)`,
      ),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: "Nothing to change: send latenessWindowHours." });

export type TenantSettingsPatch = z.infer<typeof ZTenantSettingsPatch>;

export async function getTenantSettings(tenantId: string): Promise<TenantSettings> {
  const t = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { latenessWindowHours: true } });
  return { latenessWindowHours: t.latenessWindowHours };
}

/**
 * Changes the tenant's settings and audit-logs the change (old and new values) in the same
 * transaction. Ingest reads the window in each batch's transaction, so the next batch uses it.
 * Events already stored keep how they were filed: a late event's adjustment stays, and
 * `counters verify` reads each event's stored `late` flag, not the window.
 */
export async function updateTenantSettings(opts: {
  tenantId: string;
  patch: TenantSettingsPatch;
  actor: AuditActor;
}): Promise<TenantSettings> {
  return db.$transaction(async (tx) => {
    // FOR UPDATE: two concurrent changes log the right "from" each.
    const [before] = await tx.$queryRaw<{ lateness_window_hours: number }[]>`
      SELECT lateness_window_hours FROM tenants WHERE id = ${opts.tenantId} FOR UPDATE`;
    if (!before) throw new Error(`tenant ${opts.tenantId} not found`);
    const after = await tx.tenant.update({
      where: { id: opts.tenantId },
      data: opts.patch,
      select: { latenessWindowHours: true },
    });
    if (after.latenessWindowHours !== before.lateness_window_hours) {
      await recordAudit(tx, {
        tenantId: opts.tenantId,
        actor: opts.actor,
        action: "tenant.settings_updated",
        target: { type: "tenant", id: opts.tenantId },
        data: { latenessWindowHours: { from: before.lateness_window_hours, to: after.latenessWindowHours } },
      });
    }
    return { latenessWindowHours: after.latenessWindowHours };
  });
}
