import "server-only";
import { z } from "zod";
import { decodeCursor, toPage } from "@/lib/api/pagination";
import { db } from "@/lib/db/client";
import { type MeterDto, toMeterDto } from "./schemas";

const ZMeterCursor = z.object({ m: z.string() });

/** The tenant's meters ordered by metric (keyset on the unique (tenant, metric)). */
export async function listMeters(opts: {
  tenantId: string;
  limit: number;
  cursor?: string;
}): Promise<{ data: MeterDto[]; nextCursor: string | null }> {
  const after = opts.cursor ? decodeCursor(opts.cursor, ZMeterCursor).m : undefined;
  const rows = await db.meter.findMany({
    where: { tenantId: opts.tenantId, ...(after !== undefined ? { metric: { gt: after } } : {}) },
    orderBy: { metric: "asc" },
    take: opts.limit + 1,
  });
  return toPage(rows, opts.limit, toMeterDto, (r) => ({ m: r.metric }));
}
