import "server-only";
import { ApiError } from "@/lib/api/errors";
import { customerNotFound } from "@/lib/customers/get-customer-or-throw";
import { getPgPool } from "@/lib/db/pg-pool";
import { formatDecimal } from "@/lib/ingest/normalize";
import { UNIQUE_VALUE_SQL } from "@/lib/ingest/unique-value";
import type { Aggregation } from "@/lib/meters/schemas";
import { GRANULARITY_MS, type Granularity, type UsageHistoryDto } from "./history-schemas";

// Same rules as the live counters (lib/ingest): "last" ties go to the greater key in
// byte order, unique_count counts uniqueValueOf's values.
const VALUE_SQL: Record<Aggregation, string> = {
  sum: "SUM(e.quantity)::text",
  count: "COUNT(*)::text",
  max: "MAX(e.quantity)::text",
  last: `((array_agg(e.quantity ORDER BY e.ts DESC, e.idempotency_key COLLATE "C" DESC))[1])::text`,
  unique_count: `COUNT(DISTINCT (${UNIQUE_VALUE_SQL}))::text`,
};

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
  const pool = getPgPool();
  const meters = await pool.query<{ id: string; aggregation: Aggregation; customer: boolean }>(
    `SELECT id, aggregation::text AS aggregation,
       EXISTS (SELECT 1 FROM customers WHERE tenant_id = $1 AND customer_ref = $3) AS customer
     FROM meters WHERE tenant_id = $1 AND metric = $2`,
    [opts.tenantId, opts.metric, opts.customerRef],
  );
  const meter = meters.rows[0];
  if (!meter) throw new ApiError({ code: "not_found", message: `Meter "${opts.metric}" not found.` });
  // As usage/current and the projection answer: a misspelt customerRef is not a customer
  // without usage.
  if (!meter.customer) throw customerNotFound(opts.customerRef);
  const size = GRANULARITY_MS[opts.granularity];
  const start = new Date(Math.floor(Date.parse(opts.from) / size) * size);
  const end = new Date(Math.ceil(Date.parse(opts.to) / size) * size);
  const { rows } = await pool.query<{ bucket: Date; value: string | null }>(
    `SELECT date_trunc($6, e.ts, 'UTC') AS bucket, ${VALUE_SQL[meter.aggregation]} AS value
     FROM events e
     JOIN meters m ON m.tenant_id = e.tenant_id AND m.id = $7
     WHERE e.tenant_id = $1 AND e.customer_ref = $2 AND e.metric = $3 AND e.ts >= $4 AND e.ts < $5
     GROUP BY 1`,
    [opts.tenantId, opts.customerRef, opts.metric, start, end, opts.granularity, meter.id],
  );
  const byBucket = new Map(rows.map((r) => [r.bucket.getTime(), r.value]));
  const empty = meter.aggregation === "max" || meter.aggregation === "last" ? null : "0";
  const data: UsageHistoryDto["data"] = [];
  for (let t = start.getTime(); t < end.getTime(); t += size) {
    const v = byBucket.get(t);
    data.push({ ts: new Date(t).toISOString(), value: v == null ? empty : formatDecimal(v) });
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
