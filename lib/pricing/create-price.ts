import "server-only";
import { ApiError } from "@/lib/api/errors";
import { type AuditEntry, recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/ids";
import type { PriceDefinition } from "./price-schema";
import { definitionToColumns, type PriceDto, toPriceDto } from "./schemas";

/**
 * Creates the price of a metric. A metric has one price (unique (tenant, metric)): a second
 * one is a 409 — change the existing price with PATCH. `source: "stripe"` is for prices
 * imported from the tenant's Stripe account; they have the same shape as local ones.
 */
export async function createPrice(opts: {
  tenantId: string;
  metric: string;
  definition: PriceDefinition;
  active?: boolean;
  source?: "local" | "stripe";
  stripePriceId?: string | null;
  actor: AuditEntry["actor"];
}): Promise<PriceDto> {
  const id = newId("prc");
  try {
    const row = await db.$transaction(async (tx) => {
      const created = await tx.price.create({
        data: {
          tenantId: opts.tenantId,
          id,
          metric: opts.metric,
          ...definitionToColumns(opts.definition),
          active: opts.active ?? true,
          source: opts.source ?? "local",
          stripePriceId: opts.stripePriceId ?? null,
        },
      });
      await recordAudit(tx, {
        tenantId: opts.tenantId,
        actor: opts.actor,
        action: "price.created",
        target: { type: "price", id },
        data: toPriceDto(created),
      });
      return created;
    });
    return toPriceDto(row);
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new ApiError({
        code: "conflict",
        message: `Metric "${opts.metric}" already has a price; change it with PATCH /api/v1/prices/{id}.`,
      });
    }
    throw err;
  }
}
