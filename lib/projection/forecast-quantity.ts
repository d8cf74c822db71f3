import type { BillingPeriod } from "@/lib/billing/period";
import { add, cmp, divRound, type Fixed, fixed, formatFixed, isNegative, max, mul, ZERO } from "@/lib/pricing/fixed";

export const DAY_MS = 24 * 60 * 60 * 1000;
export const TRAILING_DAYS = 7;

export function utcDayStart(ts: Date | number): Date {
  return new Date(Math.floor(new Date(ts).getTime() / DAY_MS) * DAY_MS);
}

/** The earliest start of the trailing window at `ts`: 7 full UTC days before its day (the period's start may be later). */
export function trailingDaysStart(ts: Date | number): Date {
  return new Date(utcDayStart(ts).getTime() - TRAILING_DAYS * DAY_MS);
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
  projectedQuantity: Fixed;
  forecast: Forecast;
}

const RATE_DP = 6;
const DAY = fixed(DAY_MS);

/** A rate as the exact fraction quantity ÷ ms (0 when no time has elapsed). */
interface Rate {
  quantity: Fixed;
  ms: number;
}
const rate = (quantity: Fixed, ms: number): Rate =>
  ms > 0 ? { quantity: max(quantity, ZERO), ms } : { quantity: ZERO, ms: 1 };
/** a.quantity/a.ms > b.quantity/b.ms, compared exactly (both ms > 0). */
const faster = (a: Rate, b: Rate) => cmp(mul(a.quantity, fixed(b.ms)), mul(b.quantity, fixed(a.ms))) > 0;
/** The rate per day, rounded to 6 places, for display. */
const perDayText = (r: Rate) => formatFixed(divRound(mul(r.quantity, DAY), fixed(r.ms), RATE_DP));

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
  value: Fixed;
  /** Usage (sum of quantities, or event count for count meters) in the trailing window. */
  trailingQuantity: Fixed;
  period: BillingPeriod;
  now: Date;
  /** Precomputed by forecastClock(period, now); pass it when forecasting many metrics. */
  clock?: ForecastClock;
}): ForecastResult {
  const floor = isNegative(opts.value) ? ZERO : opts.value;
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
  // Rates: usage ÷ the time it took (0 before any time has elapsed), kept as exact fractions
  // so the comparison and the projection are exact; only the displayed rates are rounded.
  const linear = rate(floor, clock.elapsedMs);
  const trailing = rate(opts.trailingQuantity, clock.windowMs);
  const useTrailing = faster(trailing, linear);
  const r = useTrailing ? trailing : linear;
  // floor + rate × remaining, rounded once: counts are whole events, other quantities keep
  // the ledger's 6 decimals.
  const exact = add(mul(floor, fixed(r.ms)), mul(r.quantity, fixed(clock.remainingMs)));
  const projected = max(divRound(exact, fixed(r.ms), opts.aggregation === "count" ? 0 : 6), floor);
  return {
    projectedQuantity: projected,
    forecast: {
      method: "run_rate",
      rateBasis: useTrailing ? "trailing_7d" : "period_to_date",
      periodToDateRatePerDay: perDayText(linear),
      trailing7dRatePerDay: perDayText(trailing),
      trailingWindow: {
        start: clock.windowStart,
        end: clock.windowEnd,
        quantity: formatFixed(opts.trailingQuantity),
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
  const windowStart = Math.max(period.start.getTime(), trailingDaysStart(nowMs).getTime());
  const days = (ms: number) => formatFixed(divRound(fixed(ms), DAY, RATE_DP));
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
