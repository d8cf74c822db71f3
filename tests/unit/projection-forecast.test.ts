import { describe, expect, it } from "vitest";
import { Decimal } from "@/lib/pricing/decimal";
import { forecastQuantity } from "@/lib/projection/forecast-quantity";

const period = { start: new Date("2026-11-01T00:00:00Z"), end: new Date("2026-12-01T00:00:00Z") };
const f = (aggregation: string, value: string, trailing: string, now: string) =>
  forecastQuantity({
    aggregation,
    value: new Decimal(value),
    trailingQuantity: new Decimal(trailing),
    period,
    now: new Date(now),
  });

describe("run-rate forecast", () => {
  it("extrapolates linearly when the trailing week is not faster", () => {
    const r = f("sum", "300", "70", "2026-11-16T00:00:00Z");
    expect(r.projectedQuantity.toFixed()).toBe("600");
    expect(r.forecast).toMatchObject({
      rateBasis: "period_to_date",
      periodToDateRatePerDay: "20",
      trailing7dRatePerDay: "10",
    });
  });

  it("follows a recent ramp with the trailing-7-day rate", () => {
    const r = f("sum", "300", "280", "2026-11-16T00:00:00Z");
    // 300 + 40/day × 15 days
    expect(r.projectedQuantity.toFixed()).toBe("900");
    expect(r.forecast).toMatchObject({ rateBasis: "trailing_7d", trailing7dRatePerDay: "40" });
  });

  it("rounds count forecasts to whole events and sums to 6 decimals", () => {
    expect(f("count", "10", "0", "2026-11-04T00:00:00Z").projectedQuantity.toFixed()).toBe("100");
    expect(f("count", "7", "0", "2026-11-04T00:00:00Z").projectedQuantity.toFixed()).toBe("70");
    expect(f("count", "1", "1", "2026-11-08T00:00:00Z").projectedQuantity.toFixed()).toBe("4");
    expect(f("sum", "1", "1", "2026-11-08T00:00:00Z").projectedQuantity.toFixed()).toBe("4.285714");
  });

  it("never forecasts less than the usage so far, at the period's edges or after negative adjustments", () => {
    expect(f("sum", "5", "0", "2026-11-01T00:00:00Z").projectedQuantity.toFixed()).toBe("5");
    expect(f("sum", "5", "5", "2026-12-01T00:00:00Z").projectedQuantity.toFixed()).toBe("5");
    expect(f("sum", "50", "-100", "2026-11-16T00:00:00Z").projectedQuantity.toFixed()).toBe("100");
    expect(f("sum", "-3", "0", "2026-11-16T00:00:00Z").projectedQuantity.toFixed()).toBe("0");
  });

  it("keeps max, last and unique_count at their current value", () => {
    for (const agg of ["max", "last", "unique_count"]) {
      const r = f(agg, "12.5", "99", "2026-11-16T00:00:00Z");
      expect(r.projectedQuantity.toFixed()).toBe("12.5");
      expect(r.forecast.method).toBe("current_value");
    }
  });
});
