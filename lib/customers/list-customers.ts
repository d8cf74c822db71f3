import "server-only";
import { z } from "zod";
import { decodeCursor, toPage } from "@/lib/api/pagination";
import { db } from "@/lib/db/client";
import { type CustomerDto, toCustomerDto } from "./schemas";

const ZCustomerCursor = z.object({ r: z.string() });

/** The tenant's customers ordered by customerRef (keyset on the unique (tenant, customer_ref)). */
export async function listCustomers(opts: {
  tenantId: string;
  limit: number;
  cursor?: string;
}): Promise<{ data: CustomerDto[]; nextCursor: string | null }> {
  const after = opts.cursor ? decodeCursor(opts.cursor, ZCustomerCursor).r : undefined;
  const rows = await db.customer.findMany({
    where: { tenantId: opts.tenantId, ...(after !== undefined ? { customerRef: { gt: after } } : {}) },
    orderBy: { customerRef: "asc" },
    take: opts.limit + 1,
  });
  const now = new Date();
  return toPage(
    rows,
    opts.limit,
    (r) => toCustomerDto(r, now),
    (r) => ({ r: r.customerRef }),
  );
}
