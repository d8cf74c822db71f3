import "server-only";
import type { BillingPeriod } from "@/lib/billing/period";
import { getPgPool } from "@/lib/db/pg-pool";
import { Decimal } from "@/lib/pricing/decimal";
import { DAY_MS, TRAILING_DAYS, utcDayStart } from "./forecast-quantity";

// The trailing-7-day usage of a customer's metrics without reading a week of ledger rows:
// closed UTC days come from `usage_daily_rollups` (≤ 8 rows per metric in the window), today
// from the ledger (one day of one customer, on the events (tenant_id, customer_ref, ts)
// index). The rollups are a cache of the ledger, never trusted blindly: in the same
// snapshot as the live counter, Σ rollups + today must equal the counter's raw aggregate
// (value − adjustment_total, and event_count). Any difference — the first projection of a
// day, or an event back-dated into a closed day — rebuilds the period's rollups from the
// ledger before they are used.

export interface RollupRow {
  metric: string;
  period_start: string;
  day: string;
  quantity: string;
  events: string;
}

export interface TodayRow {
  metric: string;
  period_start: string;
  quantity: string;
  events: string;
}

export interface CounterRow {
  meter_id: string;
  period_start: string;
  value: string;
  adjustment_total: string;
  event_count: string;
}

export interface TrailingUsage {
  quantity: Decimal;
  events: Decimal;
}

const REBUILD_SQL = `
  INSERT INTO usage_daily_rollups (tenant_id, customer_ref, period_start, metric, day, quantity, events, computed_at)
  SELECT tenant_id, customer_ref, period_start, metric,
         date_bin('1 day', ts, timestamptz '2000-01-01 00:00:00+00') AS day, sum(quantity), count(*), now()
  FROM events
  WHERE tenant_id = $1 AND customer_ref = $2 AND ts >= $3 AND ts < $4 AND period_start = $3
  GROUP BY tenant_id, customer_ref, period_start, metric, day
  ORDER BY metric, day
  ON CONFLICT (tenant_id, customer_ref, period_start, metric, day)
    DO UPDATE SET quantity = excluded.quantity, events = excluded.events, computed_at = excluded.computed_at
  RETURNING metric, period_start, day, quantity::text, events::text`;

/**
 * Trailing usage per metric for the metrics that need a run rate (sum and count meters).
 * `rollups`, `today` and `counters` must come from one snapshot (one SQL statement).
 */
export async function trailingUsage(opts: {
  tenantId: string;
  customerRef: string;
  period: BillingPeriod;
  now: Date;
  meters: Array<{ id: string; metric: string; aggregation: string }>;
  counters: CounterRow[];
  rollups: RollupRow[];
  today: TodayRow[];
}): Promise<Map<string, TrailingUsage>> {
  const periodMs = opts.period.start.getTime();
  const todayStart = utcDayStart(opts.now);
  const inPeriod = (ts: string) => new Date(ts).getTime() === periodMs;
  const closed = (r: RollupRow) => inPeriod(r.period_start) && new Date(r.day).getTime() < todayStart.getTime();
  const sumBy = (rows: Array<{ metric: string; quantity: string; events: string }>) => {
    const out = new Map<string, TrailingUsage>();
    for (const r of rows) {
      const acc = out.get(r.metric) ?? { quantity: new Decimal(0), events: new Decimal(0) };
      out.set(r.metric, { quantity: acc.quantity.add(r.quantity), events: acc.events.add(r.events) });
    }
    return out;
  };
  const today = sumBy(opts.today.filter((t) => inPeriod(t.period_start)));
  let rollups = opts.rollups.filter(closed);
  const counterBy = new Map(opts.counters.filter((c) => inPeriod(c.period_start)).map((c) => [c.meter_id, c]));
  const runRate = opts.meters.filter((m) => m.aggregation === "sum" || m.aggregation === "count");

  const closedTotals = sumBy(rollups);
  const consistent = runRate.every((m) => {
    const c = counterBy.get(m.id);
    const zero = { quantity: new Decimal(0), events: new Decimal(0) };
    const a = closedTotals.get(m.metric) ?? zero;
    const t = today.get(m.metric) ?? zero;
    if (!c) return a.events.add(t.events).isZero();
    if (!a.events.add(t.events).eq(c.event_count)) return false;
    return m.aggregation !== "sum" || a.quantity.add(t.quantity).eq(new Decimal(c.value).sub(c.adjustment_total));
  });
  if (!consistent) {
    const rebuilt = await getPgPool().query<RollupRow>(REBUILD_SQL, [
      opts.tenantId,
      opts.customerRef,
      opts.period.start,
      todayStart,
    ]);
    rollups = rebuilt.rows;
  }

  const windowDay = todayStart.getTime() - TRAILING_DAYS * DAY_MS;
  const inWindow = sumBy(rollups.filter((r) => new Date(r.day).getTime() >= windowDay));
  const out = new Map<string, TrailingUsage>();
  for (const m of runRate) {
    const zero = { quantity: new Decimal(0), events: new Decimal(0) };
    const w = inWindow.get(m.metric) ?? zero;
    const t = today.get(m.metric) ?? zero;
    out.set(m.metric, { quantity: w.quantity.add(t.quantity), events: w.events.add(t.events) });
  }
  return out;
}
