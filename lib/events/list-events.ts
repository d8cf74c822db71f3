import "server-only";
import { z } from "zod";
import { decodeCursor, toPage } from "@/lib/api/pagination";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type LedgerEventDto, toLedgerEventDto } from "./schemas";

const ZEventCursor = z.object({ t: z.iso.datetime(), i: z.string().regex(/^\d{1,20}$/) });

export interface EventFilter {
  tenantId: string;
  customerRef?: string;
  metric?: string;
  from?: string;
  to?: string;
}

export function eventWhere(f: EventFilter): Prisma.EventWhereInput {
  const ts: Prisma.DateTimeFilter = {};
  if (f.from) ts.gte = new Date(f.from);
  if (f.to) ts.lt = new Date(f.to);
  return {
    tenantId: f.tenantId,
    ...(f.customerRef !== undefined ? { customerRef: f.customerRef } : {}),
    ...(f.metric !== undefined ? { metric: f.metric } : {}),
    ...(f.from || f.to ? { ts } : {}),
  };
}

/**
 * The tenant's ledger, newest event time first. Keyset pagination on (ts, id): rows
 * inserted while a client pages never shift or duplicate the rows it has not seen yet.
 */
export async function listEvents(
  opts: EventFilter & { limit: number; cursor?: string },
): Promise<{ data: LedgerEventDto[]; nextCursor: string | null }> {
  const and: Prisma.EventWhereInput[] = [eventWhere(opts)];
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor, ZEventCursor);
    const t = new Date(c.t);
    // The redundant `ts <= t` gives the planner an index range on (tenant_id, ts).
    and.push({ ts: { lte: t } }, { OR: [{ ts: { lt: t } }, { ts: t, id: { lt: BigInt(c.i) } }] });
  }
  const rows = await db.event.findMany({
    where: { AND: and },
    orderBy: [{ ts: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
  });
  return toPage(rows, opts.limit, toLedgerEventDto, (r) => ({ t: r.ts.toISOString(), i: r.id.toString() }));
}
