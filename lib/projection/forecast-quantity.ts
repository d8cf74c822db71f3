import type { BillingPeriod } from "@/lib/billing/period";
import { Decimal as ExactDecimal } from "@/lib/pricing/decimal";

// A forecast is an estimate: 40 significant digits are plenty, and divisions at the
// billing-exact 120 digits would cost more than the rest of the projection.
const Decimal = ExactDecimal.clone({ precision: 40 });
type Decimal = InstanceType<typeof ExactDecimal>;
const decimalString = (d: Decimal) => d.toFixed();

export const TRAILING_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type Forecast =
  | {
      method: "run_rate";
      /** Which rate won: the trailing-7-day one or the period-to-date (linear) one. */
      rateBasis: "trailing_7d" | "period_to_date";
      periodToDateRatePerDay: string;
      trailing7dRatePerDay: string;
      trailingWindow: { start: string; end: string; quantity: string };
      elapsedDays: string;
      remainingDays: string;
      description: string;
    }
  | { method: "current_value"; description: string };

export interface ForecastResult {
  projectedQuantity: Decimal;
  forecast: Forecast;
}

const RATE_DP = 6;

/**
 * End-of-period quantity for one metric. Sums and counts grow with time, so they are
 * extrapolated from a run rate: the larger of the period-to-date rate (usage so far ÷
 * elapsed time, i.e. linear) and the trailing-7-day rate (usage of the last 7 days ÷ 7 days,
 * which follows recent ramps). Taking the larger never under-forecasts a growing customer —
 * the widget exists to prevent bill shock. The forecast is never below the usage already
 * counted. max/last/unique_count do not accumulate with time: their forecast is the value now.
 */
export function forecastQuantity(opts: {
  aggregation: string;
  value: Decimal;
  /** Usage (sum of quantities, or event count for count meters) in the trailing window. */
  trailingQuantity: Decimal;
  period: BillingPeriod;
  now: Date;
}): ForecastResult {
  const { value, period, now } = opts;
  const floor = Decimal.max(value, 0);
  if (opts.aggregation !== "sum" && opts.aggregation !== "count") {
    return {
      projectedQuantity: floor,
      forecast: {
        method: "current_value",
        description: `A ${opts.aggregation} meter does not accumulate over time: the forecast is the current value.`,
      },
    };
  }
  const nowMs = Math.min(Math.max(now.getTime(), period.start.getTime()), period.end.getTime());
  const elapsed = nowMs - period.start.getTime();
  const remaining = period.end.getTime() - nowMs;
  const windowStart = Math.max(period.start.getTime(), nowMs - TRAILING_WINDOW_MS);
  const windowMs = nowMs - windowStart;
  const perMs = (q: Decimal, ms: number) => (ms > 0 ? Decimal.max(q, 0).div(ms) : new Decimal(0));
  const linear = perMs(value, elapsed);
  const trailing = perMs(opts.trailingQuantity, windowMs);
  const useTrailing = trailing.gt(linear);
  const rate = useTrailing ? trailing : linear;
  let projected = floor.add(rate.mul(remaining));
  // Counts are whole events; other quantities keep the ledger's 6 decimals.
  projected =
    opts.aggregation === "count"
      ? projected.toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
      : projected.toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
  projected = Decimal.max(projected, floor);
  const perDay = (r: Decimal) => decimalString(r.mul(DAY_MS).toDecimalPlaces(RATE_DP, Decimal.ROUND_HALF_UP));
  const days = (ms: number) =>
    decimalString(new Decimal(ms).div(DAY_MS).toDecimalPlaces(RATE_DP, Decimal.ROUND_HALF_UP));
  return {
    projectedQuantity: projected,
    forecast: {
      method: "run_rate",
      rateBasis: useTrailing ? "trailing_7d" : "period_to_date",
      periodToDateRatePerDay: perDay(linear),
      trailing7dRatePerDay: perDay(trailing),
      trailingWindow: {
        start: new Date(windowStart).toISOString(),
        end: new Date(nowMs).toISOString(),
        quantity: decimalString(opts.trailingQuantity),
      },
      elapsedDays: days(elapsed),
      remainingDays: days(remaining),
      description:
        "projected = usage so far + remaining time × max(period-to-date rate, trailing-7-day rate); never less than usage so far.",
    },
  };
}
