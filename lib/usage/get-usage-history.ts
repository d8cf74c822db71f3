import "server-only";
import Decimal from "decimal.js";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { UNIQUE_VALUE_SQL } from "@/lib/ingest/unique-value";
import { getMeterRowOrThrow } from "@/lib/meters/get-meter-or-throw";
import type { Aggregation } from "@/lib/meters/schemas";
import { GRANULARITY_MS, type Granularity, type UsageHistoryDto } from "./history-schemas";

// Same rules as the live counters (lib/ingest): "last" ties go to the greater key in
// byte order, unique_count counts uniqueValueOf's values.
function valueSql(aggregation: Aggregation): Prisma.Sql {
  switch (aggregation) {
    case "sum":
      return Prisma.sql`SUM(e.quantity)::text`;
    case "count":
      return Prisma.sql`COUNT(*)::text`;
    case "max":
      return Prisma.sql`MAX(e.quantity)::text`;
    case "last":
      return Prisma.sql`((array_agg(e.quantity ORDER BY e.ts DESC, e.idempotency_key COLLATE "C" DESC))[1])::text`;
    case "unique_count":
      return Prisma.sql`COUNT(DISTINCT (${Prisma.raw(UNIQUE_VALUE_SQL)}))::text`;
  }
}

/**
 * Usage over time for one customer and metric, bucketed by UTC hour or day, each bucket
 * aggregated the way the meter aggregates. Read from the ledger through the
 * (tenant_id, customer_ref, ts) index; the range is bounded by the query schema.
 */
export async function getUsageHistory(opts: {
  tenantId: string;
  customerRef: string;
  metric: string;
  from: string;
  to: string;
  granularity: Granularity;
}): Promise<UsageHistoryDto> {
  const meter = await getMeterRowOrThrow(opts.tenantId, opts.metric);
  const size = GRANULARITY_MS[opts.granularity];
  const start = new Date(Math.floor(Date.parse(opts.from) / size) * size);
  const end = new Date(Math.ceil(Date.parse(opts.to) / size) * size);
  const rows = await db.$queryRaw<Array<{ bucket: Date; value: string | null }>>`
    SELECT date_trunc(${opts.granularity}, e.ts, 'UTC') AS bucket, ${valueSql(meter.aggregation)} AS value
    FROM events e
    JOIN meters m ON m.tenant_id = e.tenant_id AND m.id = ${meter.id}
    WHERE e.tenant_id = ${opts.tenantId} AND e.customer_ref = ${opts.customerRef} AND e.metric = ${opts.metric}
      AND e.ts >= ${start} AND e.ts < ${end}
    GROUP BY 1`;
  const byBucket = new Map(rows.map((r) => [r.bucket.getTime(), r.value]));
  const empty = meter.aggregation === "max" || meter.aggregation === "last" ? null : "0";
  const data: UsageHistoryDto["data"] = [];
  for (let t = start.getTime(); t < end.getTime(); t += size) {
    const v = byBucket.get(t);
    data.push({ ts: new Date(t).toISOString(), value: v == null ? empty : new Decimal(v).toFixed() });
  }
  return {
    customerRef: opts.customerRef,
    metric: opts.metric,
    aggregation: meter.aggregation,
    granularity: opts.granularity,
    from: start.toISOString(),
    to: end.toISOString(),
    data,
  };
}
