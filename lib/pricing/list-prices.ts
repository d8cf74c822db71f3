import "server-only";
import { z } from "zod";
import { decodeCursor, toPage } from "@/lib/api/pagination";
import { db } from "@/lib/db/client";
import { type PriceDto, toPriceDto } from "./schemas";

const ZPriceCursor = z.object({ m: z.string() });

/** The tenant's prices ordered by metric (keyset on the unique (tenant, metric)). */
export async function listPrices(opts: {
  tenantId: string;
  limit: number;
  cursor?: string;
}): Promise<{ data: PriceDto[]; nextCursor: string | null }> {
  const after = opts.cursor ? decodeCursor(opts.cursor, ZPriceCursor).m : undefined;
  const rows = await db.price.findMany({
    where: { tenantId: opts.tenantId, ...(after !== undefined ? { metric: { gt: after } } : {}) },
    orderBy: { metric: "asc" },
    take: opts.limit + 1,
  });
  return toPage(rows, opts.limit, toPriceDto, (r) => ({ m: r.metric }));
}
