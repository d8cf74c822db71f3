import "server-only";
import { z } from "zod";
import { decodeCursor, toPage } from "@/lib/api/pagination";
import { ZRfc3339 } from "@/lib/api/schemas";
import { getPgPool } from "@/lib/db/pg-pool";
import { EVENT_COLUMNS_SQL, type EventRow, type LedgerEventDto, toLedgerEventDto } from "./schemas";

const MAX_BIGINT = 9_223_372_036_854_775_807n;
const ZEventCursor = z.object({
  t: ZRfc3339,
  // A ledger id: a Postgres bigint.
  i: z
    .string()
    .regex(/^\d{1,19}$/)
    .refine((i) => BigInt(i) <= MAX_BIGINT),
});

export interface EventFilter {
  tenantId: string;
  customerRef?: string;
  metric?: string;
  from?: string;
  to?: string;
}

/** WHERE conditions and parameters for a filter; always scoped to the tenant first. */
export function eventConditions(f: EventFilter): { conditions: string[]; params: unknown[] } {
  const params: unknown[] = [f.tenantId];
  const conditions = ["tenant_id = $1"];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (f.customerRef !== undefined) add((n) => `customer_ref = ${n}`, f.customerRef);
  if (f.metric !== undefined) add((n) => `metric = ${n}`, f.metric);
  if (f.from) add((n) => `ts >= ${n}`, new Date(f.from));
  if (f.to) add((n) => `ts < ${n}`, new Date(f.to));
  return { conditions, params };
}

/**
 * The tenant's ledger, newest event time first. Keyset pagination on (ts, id): rows
 * inserted while a client pages never shift or duplicate the rows it has not seen yet.
 * Plain SQL through the pg pool: this is a hot read path, and the plan is a backward scan
 * of the primary key (tenant_id, ts, id) or of (tenant_id, customer_ref, ts) that stops after
 * limit + 1 rows. The ORDER BY names the table's columns: a bare `id` would sort by the
 * selected text alias ("999" after "1000"), not the number the cursor compares.
 */
export async function listEvents(
  opts: EventFilter & { limit: number; cursor?: string },
): Promise<{ data: LedgerEventDto[]; nextCursor: string | null }> {
  const { conditions, params } = eventConditions(opts);
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor, ZEventCursor);
    params.push(new Date(c.t), c.i);
    const t = `$${params.length - 1}`;
    const i = `$${params.length}::bigint`;
    // `ts <= t` is implied by the row comparison but gives the planner an index range.
    conditions.push(`ts <= ${t}`, `(ts, id) < (${t}, ${i})`);
  }
  params.push(opts.limit + 1);
  const { rows } = await getPgPool().query<EventRow>(
    `SELECT ${EVENT_COLUMNS_SQL} FROM events WHERE ${conditions.join(" AND ")}
     ORDER BY events.ts DESC, events.id DESC LIMIT $${params.length}`,
    params,
  );
  return toPage(rows, opts.limit, toLedgerEventDto, (r) => ({ t: r.ts.toISOString(), i: r.id }));
}
