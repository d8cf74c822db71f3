import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatFixed, parseFixed } from "@/lib/pricing/fixed";
import { forecastQuantity } from "@/lib/projection/forecast-quantity";
import { Decimal } from "../helpers/exact-decimal";

const period = { start: new Date("2026-11-01T00:00:00Z"), end: new Date("2026-12-01T00:00:00Z") };
const f = (aggregation: string, value: string, trailing: string, now: string) =>
  forecastQuantity({
    aggregation,
    value: parseFixed(value),
    trailingQuantity: parseFixed(trailing),
    period,
    now: new Date(now),
  });

const projected = (...args: Parameters<typeof f>) => formatFixed(f(...args).projectedQuantity);

describe("run-rate forecast", () => {
  it("extrapolates linearly when the trailing week is not faster", () => {
    const r = f("sum", "300", "70", "2026-11-16T00:00:00Z");
    expect(formatFixed(r.projectedQuantity)).toBe("600");
    expect(r.forecast).toMatchObject({
      rateBasis: "period_to_date",
      periodToDateRatePerDay: "20",
      trailing7dRatePerDay: "10",
    });
  });

  it("follows a recent ramp with the trailing-7-day rate", () => {
    const r = f("sum", "300", "280", "2026-11-16T00:00:00Z");
    // 300 + 40/day × 15 days
    expect(formatFixed(r.projectedQuantity)).toBe("900");
    expect(r.forecast).toMatchObject({ rateBasis: "trailing_7d", trailing7dRatePerDay: "40" });
  });

  it("rounds count forecasts to whole events and sums to 6 decimals", () => {
    expect(projected("count", "10", "0", "2026-11-04T00:00:00Z")).toBe("100");
    expect(projected("count", "7", "0", "2026-11-04T00:00:00Z")).toBe("70");
    expect(projected("count", "1", "1", "2026-11-08T00:00:00Z")).toBe("4");
    expect(projected("sum", "1", "1", "2026-11-08T00:00:00Z")).toBe("4.285714");
  });

  it("never forecasts less than the usage so far, at the period's edges or after negative adjustments", () => {
    expect(projected("sum", "5", "0", "2026-11-01T00:00:00Z")).toBe("5");
    expect(projected("sum", "5", "5", "2026-12-01T00:00:00Z")).toBe("5");
    expect(projected("sum", "50", "-100", "2026-11-16T00:00:00Z")).toBe("100");
    expect(projected("sum", "-3", "0", "2026-11-16T00:00:00Z")).toBe("0");
  });

  it("keeps max, last and unique_count at their current value", () => {
    for (const agg of ["max", "last", "unique_count"]) {
      const r = f(agg, "12.5", "99", "2026-11-16T00:00:00Z");
      expect(formatFixed(r.projectedQuantity)).toBe("12.5");
      expect(r.forecast.method).toBe("current_value");
    }
  });
});

describe("run-rate forecast against an independent decimal.js computation", () => {
  const quantity = fc
    .tuple(fc.integer({ min: -1_000_000, max: 10_000_000_000 }), fc.integer({ min: 0, max: 999_999 }))
    .map(([i, f]) => `${i}.${String(f).padStart(6, "0")}`);
  const ms = fc.integer({ min: 0, max: 31 * 24 * 3600 * 1000 });

  it("matches floor + max(linear, trailing rate) × remaining, rounded once, never below the floor", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("sum", "count"),
        quantity,
        quantity,
        ms,
        ms,
        ms,
        (aggregation, v, t, elapsedMs, remainingMs, windowMs) => {
          const clock = {
            elapsedMs,
            remainingMs,
            windowMs,
            windowStart: "",
            windowEnd: "",
            elapsedDays: "",
            remainingDays: "",
          };
          const value = aggregation === "count" ? v.split(".")[0] : v;
          const r = forecastQuantity({
            aggregation,
            value: parseFixed(value),
            trailingQuantity: parseFixed(t),
            period,
            now: new Date(),
            clock,
          });
          const floor = Decimal.max(value, 0);
          const qt = Decimal.max(t, 0);
          // Exact comparison of the two rates: qt / windowMs > floor / elapsedMs.
          const lin = elapsedMs > 0 ? { q: floor, ms: elapsedMs } : { q: new Decimal(0), ms: 1 };
          const tr = windowMs > 0 ? { q: qt, ms: windowMs } : { q: new Decimal(0), ms: 1 };
          const useTrailing = tr.q.mul(lin.ms).gt(lin.q.mul(tr.ms));
          const rate = useTrailing ? tr : lin;
          const dp = aggregation === "count" ? 0 : 6;
          const expected = Decimal.max(
            floor.add(rate.q.mul(remainingMs).div(rate.ms)).toDecimalPlaces(dp, Decimal.ROUND_HALF_UP),
            floor,
          );
          expect(formatFixed(r.projectedQuantity)).toBe(expected.toFixed());
          if (r.forecast.method !== "run_rate") throw new Error("expected a run-rate forecast");
          expect(r.forecast.rateBasis).toBe(useTrailing ? "trailing_7d" : "period_to_date");
          const perDay = (x: { q: InstanceType<typeof Decimal>; ms: number }) =>
            x.q.mul(86_400_000).div(x.ms).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed();
          expect(r.forecast.periodToDateRatePerDay).toBe(perDay(lin));
          expect(r.forecast.trailing7dRatePerDay).toBe(perDay(tr));
        },
      ),
      { numRuns: 500 },
    );
  });
});
