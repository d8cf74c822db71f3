import "server-only";
import { ApiError } from "@/lib/api/errors";
import { lockUsageConfig } from "@/lib/billing/usage-config-lock";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/ids";
import type { Actor } from "./create-meter";
import { meterNotFound } from "./get-meter-or-throw";
import { type MeterDto, toMeterDto, type UpdateMeterInput } from "./schemas";

type Tx = Prisma.TransactionClient;

/**
 * Usage already recorded for the meter: a counter (written in the ingest transaction),
 * an adjustment, or — the ledger being the source of truth — an event row.
 */
async function meterHasUsage(tx: Tx, tenantId: string, meterId: string, metric: string): Promise<boolean> {
  const counter = await tx.counter.findFirst({ where: { tenantId, meterId }, select: { meterId: true } });
  if (counter) return true;
  const adjustment = await tx.adjustment.findFirst({ where: { tenantId, meterId }, select: { id: true } });
  if (adjustment) return true;
  const event = await tx.event.findFirst({ where: { tenantId, metric }, select: { id: true } });
  return event !== null;
}

/**
 * Updates a meter's settings. The aggregation (and, for unique_count, the field counted)
 * is what gives existing counters their meaning, so once the meter has usage they are
 * frozen: changing them would silently reinterpret numbers that may already be billed.
 */
export async function updateMeter(opts: {
  tenantId: string;
  metric: string;
  input: UpdateMeterInput;
  actor: Actor;
}): Promise<MeterDto> {
  const { tenantId, metric, input } = opts;
  const row = await db.$transaction(async (tx) => {
    // Wait for the tenant's in-flight batches and hold off new ones (lib/billing/usage-config-lock.ts),
    // so the usage check below sees every event that could have been counted the old way.
    await lockUsageConfig(tx, tenantId);
    // Lock the meter row so two PATCHes (or a PATCH and the usage check) serialize.
    const locked = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM meters WHERE tenant_id = ${tenantId} AND metric = ${metric} FOR UPDATE`;
    const meterId = locked[0]?.id;
    if (!meterId) throw meterNotFound(metric);
    const current = await tx.meter.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: meterId } } });

    const nextAggregation = input.aggregation ?? current.aggregation;
    // Leaving unique_count drops the field it counted unless the request names one (refused below).
    const keptUniqueBy = nextAggregation === "unique_count" ? current.uniqueBy : null;
    const nextUniqueBy = input.uniqueBy === undefined ? keptUniqueBy : input.uniqueBy;
    if (nextUniqueBy != null && nextAggregation !== "unique_count") {
      throw new ApiError({
        code: "validation_failed",
        message: "uniqueBy: only allowed when aggregation is unique_count",
        details: [{ path: "uniqueBy", message: "only allowed when aggregation is unique_count" }],
      });
    }
    const aggregationChanges = nextAggregation !== current.aggregation;
    const uniqueByChanges = current.aggregation === "unique_count" && nextUniqueBy !== current.uniqueBy;
    if ((aggregationChanges || uniqueByChanges) && (await meterHasUsage(tx, tenantId, meterId, metric))) {
      const what = aggregationChanges
        ? `aggregation from "${current.aggregation}" to "${nextAggregation}"`
        : "the uniqueBy field";
      throw new ApiError({
        code: "conflict",
        message: `Meter "${metric}" already has usage recorded; changing ${what} would change the meaning of its existing counters. Create a new meter (metric) instead.`,
      });
    }

    const data: Prisma.MeterUpdateInput = {};
    // Only real changes are written and audit-logged.
    if (input.displayName !== undefined && input.displayName !== current.displayName)
      data.displayName = input.displayName;
    if (aggregationChanges) data.aggregation = nextAggregation;
    if (input.unit !== undefined && input.unit !== current.unit) data.unit = input.unit;
    if (input.stripeEventName !== undefined && input.stripeEventName !== current.stripeEventName)
      data.stripeEventName = input.stripeEventName;
    if (nextUniqueBy !== current.uniqueBy) data.uniqueBy = nextUniqueBy;

    if (Object.keys(data).length === 0) return current;
    const updated = await tx.meter.update({ where: { tenantId_id: { tenantId, id: meterId } }, data });
    await tx.auditLog.create({
      data: {
        tenantId,
        id: newId("aud"),
        actorType: opts.actor.type,
        actorId: opts.actor.id ?? null,
        action: "meter.updated",
        targetType: "meter",
        targetId: meterId,
        data: { metric, changes: Object.keys(data) },
      },
    });
    return updated;
  });
  return toMeterDto(row);
}
