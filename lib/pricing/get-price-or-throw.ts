import "server-only";
import { ApiError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import type { Price as PriceRow } from "@/lib/generated/prisma/client";

export function priceNotFound(id: string): ApiError {
  return new ApiError({ code: "not_found", message: `Price "${id}" not found.` });
}

/** A tenant's price by id; another tenant's id is indistinguishable from a missing one. */
export async function getPriceOrThrow(tenantId: string, id: string): Promise<PriceRow> {
  const row = await db.price.findUnique({ where: { tenantId_id: { tenantId, id } } });
  if (!row) throw priceNotFound(id);
  return row;
}
