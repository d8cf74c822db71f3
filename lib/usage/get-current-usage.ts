import { ApiError } from "@/lib/api/errors";
import { BILLABLE_VALUE_SQL } from "@/lib/billing/billable-value";
import { OPEN_PERIOD_LOOKBACK_MS } from "@/lib/billing/period";
import { currentRegimeStartSql, periodInSchedule, scheduleOf } from "@/lib/billing/schedule";
import { toEpochMsText } from "@/lib/db/epoch-ms";
import { getPgPool } from "@/lib/db/pg-pool";
import { formatDecimal } from "@/lib/ingest/normalize";

export interface CurrentUsageMetric {
  metric: string;
  aggregation: string;
  value: string;
  unit: string | null;
}

export interface CurrentUsage {
  customerRef: string;
  period: { start: string; end: string };
  asOf: string;
  metrics: CurrentUsageMetric[];
}

// One round trip: the customer's anchor, every meter of the tenant, and the customer's
// counters of the (at most two) periods that may be open — those starting in the last 32 days,
// and the current anchor's first period, which may be longer (lib/billing/schedule.ts); the
// open one is picked in code once the anchor is known. A customer without meters gives one row with a NULL metric.
const CURRENT_USAGE_SQL = `
  SELECT ${toEpochMsText("c.billing_anchor")} AS anchor_ms, c.billing_anchor_history::text AS anchor_history,
         m.metric, m.aggregation::text AS aggregation, m.unit,
         ${toEpochMsText("k.period_start")} AS period_ms, ${BILLABLE_VALUE_SQL("k.value")}::text AS value
  FROM customers c
  LEFT JOIN meters m ON m.tenant_id = c.tenant_id
  LEFT JOIN counters k ON k.tenant_id = c.tenant_id AND k.meter_id = m.id AND k.customer_ref = c.customer_ref
    AND (k.period_start > $3 OR k.period_start = ${currentRegimeStartSql("c.billing_anchor_history")}) AND k.period_start <= $4
  WHERE c.tenant_id = $1 AND c.customer_ref = $2
  ORDER BY m.metric`;

/**
 * The customer's open billing period, one entry per meter of the tenant (0 when unused).
 * Reads counters only (indexed point reads, one statement), never the ledger: its cost
 * does not grow with the number of stored events.
 */
export async function getCurrentUsage(opts: {
  tenantId: string;
  customerRef: string;
  now?: Date;
}): Promise<CurrentUsage> {
  const now = opts.now ?? new Date();
  const nowMs = now.getTime();
  const { rows } = await getPgPool().query<{
    anchor_ms: string | null;
    anchor_history: string | null;
    metric: string | null;
    aggregation: string | null;
    unit: string | null;
    period_ms: string | null;
    value: string | null;
  }>({
    name: "sm_current_usage",
    text: CURRENT_USAGE_SQL,
    values: [opts.tenantId, opts.customerRef, new Date(nowMs - OPEN_PERIOD_LOOKBACK_MS), now],
  });
  if (rows.length === 0) {
    throw new ApiError({ code: "not_found", message: `Customer ${opts.customerRef} not found.` });
  }
  const anchor = rows[0].anchor_ms;
  const period = periodInSchedule(nowMs, scheduleOf(anchor === null ? null : Number(anchor), rows[0].anchor_history));
  const open = String(period.startMs);
  // Rows come ordered by metric, one or two per meter (one per candidate period).
  const byMetric = new Map<string, CurrentUsageMetric>();
  for (const r of rows) {
    if (r.metric === null) continue;
    let entry = byMetric.get(r.metric);
    if (!entry) {
      entry = { metric: r.metric, aggregation: r.aggregation as string, value: "0", unit: r.unit };
      byMetric.set(r.metric, entry);
    }
    if (r.period_ms === open && r.value !== null) entry.value = formatDecimal(r.value);
  }
  const metrics = [...byMetric.values()];
  return {
    customerRef: opts.customerRef,
    period: { start: new Date(period.startMs).toISOString(), end: new Date(period.endMs).toISOString() },
    asOf: now.toISOString(),
    metrics,
  };
}
