import "server-only";
import { ApiError } from "@/lib/api/errors";
import { periodFor } from "@/lib/billing/period";
import { getPgPool } from "@/lib/db/pg-pool";
import { calculatePrice, type PriceBreakdownEntry, PricingError } from "@/lib/pricing/calculate-price";
import { Decimal, decimalString } from "@/lib/pricing/decimal";
import type { PriceDefinition } from "@/lib/pricing/price-schema";
import { rowToDefinition } from "@/lib/pricing/schemas";
import { type Forecast, forecastQuantity, TRAILING_WINDOW_MS } from "./forecast-quantity";

export type UnpricedReason =
  | "no_price"
  | "price_inactive"
  | "currency_mismatch"
  | "negative_quantity"
  | "amount_overflow";

export interface ProjectionLineItem {
  metric: string;
  aggregation: string | null;
  unit: string | null;
  quantity: string;
  currency: string | null;
  /** What Stripe would invoice for the usage so far, in minor units; null when it cannot be priced. */
  amount: number | null;
  projectedQuantity: string;
  projectedAmount: number | null;
  reasonCode?: UnpricedReason;
  reason?: string;
  pricing: {
    priceId: string;
    source: string;
    billing_scheme: PriceDefinition["billing_scheme"];
    tiers_mode: PriceDefinition["tiers_mode"];
    transform_quantity: PriceDefinition["transform_quantity"];
    billableQuantity: string;
    amountDecimal: string;
    breakdown: PriceBreakdownEntry[];
    projectedBreakdown: PriceBreakdownEntry[];
  } | null;
  forecast: Forecast;
}

export interface UsageProjection {
  customerRef: string;
  currency: string | null;
  period: { start: string; end: string };
  lineItems: ProjectionLineItem[];
  subtotal: number;
  total: number;
  projectedTotal: number;
  freshness: { asOf: string; stalenessSeconds: 0 };
}

interface LineRow {
  metric: string;
  aggregation: string | null;
  unit: string | null;
  value: string | null;
  price_id: string | null;
  currency: string | null;
  billing_scheme: string | null;
  unit_amount_decimal: string | null;
  tiers_mode: string | null;
  tiers: unknown;
  transform_quantity: unknown;
  active: boolean | null;
  source: string | null;
}

// One row per metric that has a counter in the period or a price: meters ⟕ counters
// (point lookups on the counters PK) full-joined with the tenant's prices.
const LINES_SQL = `
  WITH usage AS (
    SELECT m.metric, m.aggregation::text AS aggregation, m.unit, c.value::text AS value
    FROM meters m
    LEFT JOIN counters c ON c.tenant_id = m.tenant_id AND c.meter_id = m.id
      AND c.customer_ref = $2 AND c.period_start = $3
    WHERE m.tenant_id = $1
  ), price AS (
    SELECT id, metric, currency, billing_scheme, unit_amount_decimal::text AS unit_amount_decimal, tiers_mode,
           tiers, transform_quantity, active, source::text AS source
    FROM prices WHERE tenant_id = $1
  )
  SELECT coalesce(u.metric, p.metric) AS metric, u.aggregation, u.unit, u.value,
         p.id AS price_id, p.currency, p.billing_scheme, p.unit_amount_decimal, p.tiers_mode, p.tiers,
         p.transform_quantity, p.active, p.source
  FROM usage u FULL JOIN price p ON p.metric = u.metric
  WHERE u.value IS NOT NULL OR p.id IS NOT NULL
  ORDER BY 1`;

// Trailing-window usage per metric from the ledger, bounded to ≤ 7 days of one customer
// and served by the events (tenant_id, customer_ref, ts) index: its cost grows with that
// customer's last-7-days event count, not with the size of the ledger.
const TRAILING_SQL = `
  SELECT metric, coalesce(sum(quantity), 0)::text AS quantity, count(*)::text AS events
  FROM events
  WHERE tenant_id = $1 AND customer_ref = $2 AND ts >= $3 AND ts <= $4 AND period_start = $5
  GROUP BY metric`;

function sumInts(values: number[]): number {
  const total = values.reduce((acc, v) => acc.add(v), new Decimal(0));
  if (total.gt(Number.MAX_SAFE_INTEGER)) throw new ApiError({ code: "internal_error", message: "total overflow" });
  return total.toNumber();
}

/** The most used currency among the priced lines (ties: first by metric). */
function dominantCurrency(rows: LineRow[]): string | null {
  const counts = new Map<string, number>();
  for (const r of rows)
    if (r.price_id && r.active && r.currency) counts.set(r.currency, (counts.get(r.currency) ?? 0) + 1);
  let best: string | null = null;
  for (const [c, n] of counts) if (best === null || n > counts.get(best)!) best = c;
  return best;
}

/**
 * The customer's current period priced as Stripe would invoice it now, plus a run-rate
 * forecast for the period end. Reads the live counters (staleness 0) and a ≤ 7-day slice
 * of the ledger for the trailing rate.
 */
export async function projectUsage(opts: {
  tenantId: string;
  customerRef: string;
  now?: Date;
}): Promise<UsageProjection> {
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
  const windowStart = new Date(Math.max(period.start.getTime(), now.getTime() - TRAILING_WINDOW_MS));
  const [lines, trailing] = await Promise.all([
    pool.query<LineRow>(LINES_SQL, [opts.tenantId, opts.customerRef, period.start]),
    pool.query<{ metric: string; quantity: string; events: string }>(TRAILING_SQL, [
      opts.tenantId,
      opts.customerRef,
      windowStart,
      now,
      period.start,
    ]),
  ]);
  const trailingBy = new Map(trailing.rows.map((r) => [r.metric, r]));
  const currency = dominantCurrency(lines.rows);

  const lineItems = lines.rows.map((row): ProjectionLineItem => {
    const value = new Decimal(row.value ?? "0");
    const t = trailingBy.get(row.metric);
    const trailingQuantity = new Decimal(row.aggregation === "count" ? (t?.events ?? "0") : (t?.quantity ?? "0"));
    const { projectedQuantity, forecast } = forecastQuantity({
      aggregation: row.aggregation ?? "sum",
      value,
      trailingQuantity,
      period,
      now,
    });
    const base = {
      metric: row.metric,
      aggregation: row.aggregation,
      unit: row.unit,
      quantity: decimalString(value),
      currency: row.currency,
      projectedQuantity: decimalString(projectedQuantity),
      forecast,
    };
    const unpriced = (reasonCode: UnpricedReason, reason: string): ProjectionLineItem => ({
      ...base,
      amount: null,
      projectedAmount: null,
      reasonCode,
      reason,
      pricing: null,
    });
    if (!row.price_id) {
      return unpriced("no_price", `Metric "${row.metric}" has no price; define one with POST /api/v1/prices.`);
    }
    if (!row.active) return unpriced("price_inactive", `The price of metric "${row.metric}" is inactive.`);
    if (row.currency !== currency) {
      return unpriced(
        "currency_mismatch",
        `The price of "${row.metric}" is in ${row.currency}, the customer's other prices in ${currency}; Stripe bills one currency per subscription.`,
      );
    }
    if (value.isNegative()) {
      return unpriced("negative_quantity", `The usage of "${row.metric}" is negative after adjustments.`);
    }
    const definition = rowToDefinition({
      currency: row.currency!,
      billingScheme: row.billing_scheme ?? "per_unit",
      unitAmountDecimal: row.unit_amount_decimal,
      tiersMode: row.tiers_mode,
      tiers: row.tiers,
      transformQuantity: row.transform_quantity,
    });
    try {
      const soFar = calculatePrice(definition, value);
      const projected = calculatePrice(definition, projectedQuantity);
      return {
        ...base,
        amount: soFar.amount,
        projectedAmount: projected.amount,
        pricing: {
          priceId: row.price_id,
          source: row.source ?? "local",
          billing_scheme: definition.billing_scheme,
          tiers_mode: definition.tiers_mode,
          transform_quantity: definition.transform_quantity,
          billableQuantity: soFar.billableQuantity,
          amountDecimal: soFar.amountDecimal,
          breakdown: soFar.breakdown,
          projectedBreakdown: projected.breakdown,
        },
      };
    } catch (err) {
      if (err instanceof PricingError) return unpriced("amount_overflow", err.message);
      throw err;
    }
  });

  const priced = lineItems.filter((l) => l.amount !== null);
  const subtotal = sumInts(priced.map((l) => l.amount!));
  return {
    customerRef: opts.customerRef,
    currency,
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    lineItems,
    subtotal,
    // No taxes, discounts or credits are modelled: the total is the sum of the usage lines.
    total: subtotal,
    projectedTotal: sumInts(priced.map((l) => l.projectedAmount!)),
    freshness: { asOf: now.toISOString(), stalenessSeconds: 0 },
  };
}
