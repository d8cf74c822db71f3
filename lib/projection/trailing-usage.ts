import type { BillingPeriod } from "@/lib/billing/period";
import { getPgPool } from "@/lib/db/pg-pool";
import { toMicros } from "@/lib/ingest/micros";
import { type Fixed, fixed } from "@/lib/pricing/fixed";
import { trailingDaysStart, utcDayStart } from "./forecast-quantity";

// The trailing-7-day usage of a customer's metrics without reading a week of ledger rows:
// closed UTC days come from `usage_daily_rollups` (≤ 8 rows per metric in the window), today
// from the ledger (one day of one customer, on the events (tenant_id, customer_ref, ts)
// index). The rollups are a cache of the ledger, never trusted blindly: in the same
// snapshot as the live counter, Σ rollups + today must equal the counter's raw aggregate
// (value − adjustment_total, and event_count). Any difference — the first projection of a
// day, or an event back-dated into a closed day — rebuilds the period's rollups from the
// ledger before they are used.

/**
 * The closed-day rollups of one counter's period, added up (rollupTotalsSql): all of them
 * (checked against the counter) and those in the trailing window.
 */
export interface RollupTotalsRow {
  metric: string;
  period_start: string;
  closed_quantity: string;
  closed_events: string;
  window_quantity: string;
  window_events: string;
}

/**
 * The select list that adds up per-day rollup rows (`metric`, `period_start`, `day`, `quantity`,
 * `events`) per metric and period (the caller groups by both), given the parameters holding
 * today's UTC start and the trailing window's first day. Summed in SQL, one row per metric
 * crosses the wire instead of one per day (up to 31 a metric), and Postgres does not format two
 * timestamps per day into JSON: for 20 metrics 10 days into a period the snapshot's rollup part
 * took 0.8 ms of its 1.9 ms (EXPLAIN ANALYZE, session 16).
 */
export function rollupTotalsSql(today: string, windowStart: string): string {
  const closed = `day < ${today}`;
  const inWindow = `day >= ${windowStart} AND day < ${today}`;
  return `SELECT metric, period_start,
      coalesce(sum(quantity) FILTER (WHERE ${closed}), 0)::text AS closed_quantity,
      coalesce(sum(events) FILTER (WHERE ${closed}), 0)::text AS closed_events,
      coalesce(sum(quantity) FILTER (WHERE ${inWindow}), 0)::text AS window_quantity,
      coalesce(sum(events) FILTER (WHERE ${inWindow}), 0)::text AS window_events`;
}

export interface TodayRow {
  metric: string;
  period_start: string;
  quantity: string;
  events: string;
}

/** Adjustments of one counter made inside the trailing window, summed. */
export interface AdjustmentRow {
  meter_id: string;
  period_start: string;
  delta: string;
}

export interface CounterRow {
  meter_id: string;
  period_start: string;
  value: string;
  adjustment_total: string;
  event_count: string;
}

export interface TrailingUsage {
  quantity: Fixed;
  events: Fixed;
}

// Rebuilds a period's rollups of closed days from the ledger and answers their totals as the
// snapshot does ($5: the trailing window's first day).
const REBUILD_SQL = `
  WITH rebuilt AS (
    INSERT INTO usage_daily_rollups (tenant_id, customer_ref, period_start, metric, day, quantity, events, computed_at)
    SELECT tenant_id, customer_ref, period_start, metric,
           date_bin('1 day', ts, timestamptz '2000-01-01 00:00:00+00') AS day, sum(quantity), count(*), now()
    FROM events
    WHERE tenant_id = $1 AND customer_ref = $2 AND ts >= $3 AND ts < $4 AND period_start = $3
    GROUP BY tenant_id, customer_ref, period_start, metric, day
    ORDER BY metric, day
    ON CONFLICT (tenant_id, customer_ref, period_start, metric, day)
      DO UPDATE SET quantity = excluded.quantity, events = excluded.events, computed_at = excluded.computed_at
    RETURNING metric, period_start, day, quantity, events)
  ${rollupTotalsSql("$4", "$5")}
  FROM rebuilt GROUP BY metric, period_start`;

/**
 * Trailing usage per metric for the metrics that need a run rate (sum and count meters).
 * `rollups`, `today` and `counters` must come from one snapshot (one SQL statement).
 */
// Sums of numeric(38,6) values run as integer millionths (toMicros), ~50× faster than decimal.js.
interface Totals {
  micros: bigint;
  events: bigint;
}

export async function trailingUsage(opts: {
  tenantId: string;
  customerRef: string;
  period: BillingPeriod;
  now: Date;
  meters: Array<{ id: string; metric: string; aggregation: string }>;
  counters: CounterRow[];
  rollups: RollupTotalsRow[];
  today: TodayRow[];
  /** Made since the window's start (the query's `created_at` bound): usage of the window too. */
  adjustments: AdjustmentRow[];
}): Promise<Map<string, TrailingUsage>> {
  const periodMs = opts.period.start.getTime();
  const todayMs = utcDayStart(opts.now).getTime();
  const windowDayMs = trailingDaysStart(opts.now).getTime();
  const inPeriod = (ts: string) => Date.parse(ts) === periodMs;
  const add = (into: Map<string, Totals>, metric: string, quantity: string, events: string) => {
    const acc = into.get(metric);
    if (acc) {
      acc.micros += toMicros(quantity);
      acc.events += BigInt(events);
    } else into.set(metric, { micros: toMicros(quantity), events: BigInt(events) });
  };
  const today = new Map<string, Totals>();
  for (const t of opts.today) if (inPeriod(t.period_start)) add(today, t.metric, t.quantity, t.events);
  // The closed days' totals, for the check, and the window's share.
  const tally = (rows: RollupTotalsRow[]) => {
    const closed = new Map<string, Totals>();
    const window = new Map<string, Totals>();
    for (const r of rows) {
      if (!inPeriod(r.period_start)) continue;
      add(closed, r.metric, r.closed_quantity, r.closed_events);
      add(window, r.metric, r.window_quantity, r.window_events);
    }
    return { closed, window };
  };
  let { closed, window } = tally(opts.rollups);
  const counterBy = new Map(opts.counters.filter((c) => inPeriod(c.period_start)).map((c) => [c.meter_id, c]));
  const runRate = opts.meters.filter((m) => m.aggregation === "sum" || m.aggregation === "count");
  const ZERO: Totals = { micros: 0n, events: 0n };

  const consistent = runRate.every((m) => {
    const c = counterBy.get(m.id);
    const a = closed.get(m.metric) ?? ZERO;
    const t = today.get(m.metric) ?? ZERO;
    if (!c) return a.events + t.events === 0n;
    if (a.events + t.events !== BigInt(c.event_count)) return false;
    return m.aggregation !== "sum" || a.micros + t.micros === toMicros(c.value) - toMicros(c.adjustment_total);
  });
  if (!consistent) {
    const rebuilt = await getPgPool().query<RollupTotalsRow>({
      name: "sm_projection_rebuild_rollups",
      text: REBUILD_SQL,
      values: [opts.tenantId, opts.customerRef, opts.period.start, new Date(todayMs), new Date(windowDayMs)],
    });
    ({ closed, window } = tally(rebuilt.rows));
  }

  // A correction made this week (a refund of bad usage, a late event's adjustment) changes the
  // recent rate as it changes the counter: a −90 correction of 100 units must not leave the
  // forecast running at 100 units a week. It counts as usage at the time it was made.
  const adjusted = new Map<string, bigint>();
  for (const a of opts.adjustments) {
    if (inPeriod(a.period_start)) adjusted.set(a.meter_id, (adjusted.get(a.meter_id) ?? 0n) + toMicros(a.delta));
  }
  const out = new Map<string, TrailingUsage>();
  for (const m of runRate) {
    const w = window.get(m.metric) ?? ZERO;
    const t = today.get(m.metric) ?? ZERO;
    const adj = adjusted.get(m.id) ?? 0n; // a quantity for sum meters, a number of events for count meters
    out.set(m.metric, {
      quantity: fixed(w.micros + t.micros + (m.aggregation === "sum" ? adj : 0n), 6),
      events: fixed((w.events + t.events) * 1_000_000n + (m.aggregation === "count" ? adj : 0n), 6),
    });
  }
  return out;
}
