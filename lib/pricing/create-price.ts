import "server-only";
import { ApiError } from "@/lib/api/errors";
import { createOnce, prismaSql, type Remember } from "@/lib/api/idempotency";
import { type AuditEntry, recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/ids";
import type { PriceDefinition } from "./price-schema";
import { definitionToColumns, type PriceDto, toPriceDto } from "./schemas";

export interface CreatePriceOptions {
  tenantId: string;
  metric: string;
  definition: PriceDefinition;
  active?: boolean;
  source?: "local" | "stripe";
  stripePriceId?: string | null;
  actor: AuditEntry["actor"];
  /** The client's Idempotency-Key: a retry with the same key and request gets the same price. */
  idempotencyKey?: string;
}

/**
 * Creates the price of a metric. A metric has one price (unique (tenant, metric)): a second
 * one is a 409 — change the existing price with PATCH. `source: "stripe"` is for prices
 * imported from the tenant's Stripe account; they have the same shape as local ones.
 * The client's Idempotency-Key is honoured (lib/api/idempotency.ts): a retry
 * after a lost 201 answers the price as first created (`replayed`), even if it was changed
 * (e.g. deactivated) since, instead of the 409 of a metric that has a price; the same key with
 * another request is a 409.
 */
export async function createPriceOnce(opts: CreatePriceOptions): Promise<{ result: PriceDto; replayed: boolean }> {
  return createOnce<PriceDto>(
    {
      tenantId: opts.tenantId,
      key: opts.idempotencyKey,
      endpoint: "POST /api/v1/prices",
      noun: "price",
      // The definition is already normalized (normalizePriceFields): unit_amount 100 and
      // unit_amount_decimal "100.00" are the same price.
      request: {
        metric: opts.metric,
        definition: opts.definition,
        active: opts.active ?? true,
        source: opts.source ?? "local",
        stripePriceId: opts.stripePriceId ?? null,
      },
    },
    (remember) => insertPrice(opts, remember),
  );
}

async function insertPrice(opts: CreatePriceOptions, remember: Remember<PriceDto>): Promise<PriceDto> {
  const id = newId("prc");
  try {
    return await db.$transaction(async (tx) => {
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
      const dto = toPriceDto(created);
      await recordAudit(tx, {
        tenantId: opts.tenantId,
        actor: opts.actor,
        action: "price.created",
        target: { type: "price", id },
        data: dto,
      });
      await remember(prismaSql(tx), dto);
      return dto;
    });
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
