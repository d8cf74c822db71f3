import "server-only";
import { parseWith } from "@/lib/api/request";
import { type AuditEntry, recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { priceNotFound } from "./get-price-or-throw";
import { type PriceDefinition, ZPriceDefinition } from "./price-schema";
import { definitionToColumns, type PriceDto, rowToDefinition, toPriceDto, type UpdatePriceInput } from "./schemas";

const DEFINITION_KEYS = [
  "currency",
  "billing_scheme",
  "unit_amount",
  "unit_amount_decimal",
  "tiers_mode",
  "tiers",
  "transform_quantity",
] as const;

/** The current definition with the patch laid over it, in Stripe's input shape. */
function mergeDefinition(current: PriceDefinition, patch: UpdatePriceInput): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const key of DEFINITION_KEYS) {
    if (patch[key] !== undefined) merged[key] = patch[key];
  }
  // One amount form replaces the other (Stripe refuses both at once).
  if (patch.unit_amount !== undefined && patch.unit_amount_decimal === undefined) delete merged.unit_amount_decimal;
  const scheme = merged.billing_scheme;
  if (scheme !== current.billing_scheme) {
    const stale = scheme === "tiered" ? ["unit_amount_decimal", "transform_quantity"] : ["tiers", "tiers_mode"];
    for (const key of stale) if (patch[key as keyof UpdatePriceInput] === undefined) delete merged[key];
  }
  return merged;
}

/** Updates a price; the merged result must be a valid Stripe price as a whole (else 422). */
export async function updatePrice(opts: {
  tenantId: string;
  id: string;
  input: UpdatePriceInput;
  actor: AuditEntry["actor"];
}): Promise<PriceDto> {
  const { tenantId, id, input } = opts;
  const row = await db.$transaction(async (tx) => {
    // Lock the row so concurrent PATCHes merge onto each other, not onto a stale read.
    const locked = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM prices WHERE tenant_id = ${tenantId} AND id = ${id} FOR UPDATE`;
    if (locked.length === 0) throw priceNotFound(id);
    const current = await tx.price.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id } } });
    const data: Prisma.PriceUpdateInput = {};
    if (DEFINITION_KEYS.some((k) => input[k] !== undefined)) {
      const next = parseWith(ZPriceDefinition, mergeDefinition(rowToDefinition(current), input));
      Object.assign(data, definitionToColumns(next), {
        tiers: next.tiers ?? Prisma.DbNull,
        transformQuantity: next.transform_quantity ?? Prisma.DbNull,
      });
    }
    if (input.active !== undefined) data.active = input.active;
    if (input.stripePriceId !== undefined) data.stripePriceId = input.stripePriceId;
    const updated = await tx.price.update({ where: { tenantId_id: { tenantId, id } }, data });
    await recordAudit(tx, {
      tenantId,
      actor: opts.actor,
      action: "price.updated",
      target: { type: "price", id },
      data: { before: toPriceDto(current), after: toPriceDto(updated) },
    });
    return updated;
  });
  return toPriceDto(row);
}
