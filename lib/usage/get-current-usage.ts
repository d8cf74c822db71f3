import "server-only";
import { ApiError } from "@/lib/api/errors";
import { periodFor } from "@/lib/billing/period";
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

/**
 * The customer's open billing period, one entry per meter of the tenant (0 when unused).
 * Reads counters only (two indexed point queries), never the ledger: its cost does not
 * grow with the number of stored events.
 */
export async function getCurrentUsage(opts: {
  tenantId: string;
  customerRef: string;
  now?: Date;
}): Promise<CurrentUsage> {
  const now = opts.now ?? new Date();
  const pool = getPgPool();
  const customer = await pool.query<{ billing_anchor: Date | null }>(
    "SELECT billing_anchor FROM customers WHERE tenant_id = $1 AND customer_ref = $2",
    [opts.tenantId, opts.customerRef],
  );
  if (customer.rowCount === 0) {
    throw new ApiError({ code: "not_found", message: `Customer ${opts.customerRef} not found.` });
  }
  const period = periodFor(now, customer.rows[0].billing_anchor);
  const rows = await pool.query<{ metric: string; aggregation: string; unit: string | null; value: string | null }>(
    `SELECT m.metric, m.aggregation::text AS aggregation, m.unit, c.value::text AS value
     FROM meters m
     LEFT JOIN counters c ON c.tenant_id = m.tenant_id AND c.meter_id = m.id
       AND c.customer_ref = $2 AND c.period_start = $3
     WHERE m.tenant_id = $1
     ORDER BY m.metric`,
    [opts.tenantId, opts.customerRef, period.start.toISOString()],
  );
  return {
    customerRef: opts.customerRef,
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    asOf: now.toISOString(),
    metrics: rows.rows.map((r) => ({
      metric: r.metric,
      aggregation: r.aggregation,
      value: r.value === null ? "0" : formatDecimal(r.value),
      unit: r.unit,
    })),
  };
}
