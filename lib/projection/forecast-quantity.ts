import type { BillingPeriod } from "@/lib/billing/period";
import { Decimal as ExactDecimal } from "@/lib/pricing/decimal";

// A forecast is an estimate: 28 significant digits are plenty, and divisions at the
// billing-exact 120 digits would cost more than the rest of the projection.
const Decimal = ExactDecimal.clone({ precision: 28 });
type Decimal = InstanceType<typeof ExactDecimal>;
const decimalString = (d: Decimal) => d.toFixed();

export const DAY_MS = 24 * 60 * 60 * 1000;
export const TRAILING_DAYS = 7;

export function utcDayStart(ts: Date | number): Date {
  return new Date(Math.floor(new Date(ts).getTime() / DAY_MS) * DAY_MS);
}

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
 * elapsed time, i.e. linear) and the trailing-7-day rate (usage of the last 7 full UTC days plus today ÷ that time,
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
  /** Precomputed by forecastClock(period, now); pass it when forecasting many metrics. */
  clock?: ForecastClock;
}): ForecastResult {
  const { value } = opts;
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
  const clock = opts.clock ?? forecastClock(opts.period, opts.now);
  // Rates per day: usage × 1 day ÷ the time it took (0 before any time has elapsed).
  const perDay = (q: Decimal, ms: number) => (ms > 0 ? Decimal.max(q, 0).mul(DAY_MS).div(ms) : new Decimal(0));
  const linear = perDay(value, clock.elapsedMs);
  const trailing = perDay(opts.trailingQuantity, clock.windowMs);
  const useTrailing = trailing.gt(linear);
  const rate = useTrailing ? trailing : linear;
  let projected = floor.add(rate.mul(clock.remainingMs).div(DAY_MS));
  // Counts are whole events; other quantities keep the ledger's 6 decimals.
  projected = projected.toDecimalPlaces(opts.aggregation === "count" ? 0 : 6, Decimal.ROUND_HALF_UP);
  projected = Decimal.max(projected, floor);
  return {
    projectedQuantity: projected,
    forecast: {
      method: "run_rate",
      rateBasis: useTrailing ? "trailing_7d" : "period_to_date",
      periodToDateRatePerDay: decimalString(linear.toDecimalPlaces(RATE_DP, Decimal.ROUND_HALF_UP)),
      trailing7dRatePerDay: decimalString(trailing.toDecimalPlaces(RATE_DP, Decimal.ROUND_HALF_UP)),
      trailingWindow: {
        start: clock.windowStart,
        end: clock.windowEnd,
        quantity: decimalString(opts.trailingQuantity),
      },
      elapsedDays: clock.elapsedDays,
      remainingDays: clock.remainingDays,
      description: DESCRIPTION,
    },
  };
}

const DESCRIPTION =
  "projected = usage so far + remaining time × max(period-to-date rate, trailing-7-day rate — the last 7 full UTC days plus today); never less than usage so far.";

export interface ForecastClock {
  elapsedMs: number;
  remainingMs: number;
  windowMs: number;
  windowStart: string;
  windowEnd: string;
  elapsedDays: string;
  remainingDays: string;
}

/** The time arithmetic shared by every metric of one projection. */
export function forecastClock(period: BillingPeriod, now: Date): ForecastClock {
  const nowMs = Math.min(Math.max(now.getTime(), period.start.getTime()), period.end.getTime());
  // The trailing window: the last 7 full UTC days plus today (day-aligned, so closed days
  // can be read from per-day rollups), inside the period.
  const windowStart = Math.max(period.start.getTime(), utcDayStart(nowMs).getTime() - TRAILING_DAYS * DAY_MS);
  const days = (ms: number) =>
    decimalString(new Decimal(ms).div(DAY_MS).toDecimalPlaces(RATE_DP, Decimal.ROUND_HALF_UP));
  return {
    elapsedMs: nowMs - period.start.getTime(),
    remainingMs: period.end.getTime() - nowMs,
    windowMs: nowMs - windowStart,
    windowStart: new Date(windowStart).toISOString(),
    windowEnd: new Date(nowMs).toISOString(),
    elapsedDays: days(nowMs - period.start.getTime()),
    remainingDays: days(period.end.getTime() - nowMs),
  };
}
