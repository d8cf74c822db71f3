import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { periodFor, periodForMs } from "@/lib/billing/period";

const d = (s: string) => new Date(s);

describe("periodFor", () => {
  it("uses the UTC calendar month without an anchor", () => {
    const p = periodFor(d("2026-11-27T14:30:00Z"), null);
    expect(p.start.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });

  it("puts the first instant of a month in that month and the last millisecond in the previous one", () => {
    expect(periodFor(d("2026-12-01T00:00:00.000Z"), null).start.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(periodFor(d("2026-11-30T23:59:59.999Z"), null).start.toISOString()).toBe("2026-11-01T00:00:00.000Z");
  });

  it("starts periods on the anchor's day and time", () => {
    const anchor = d("2025-03-15T09:00:00Z");
    const p = periodFor(d("2026-11-27T00:00:00Z"), anchor);
    expect(p.start.toISOString()).toBe("2026-11-15T09:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-12-15T09:00:00.000Z");
    const before = periodFor(d("2026-11-15T08:59:59Z"), anchor);
    expect(before.start.toISOString()).toBe("2026-10-15T09:00:00.000Z");
    expect(before.end.toISOString()).toBe("2026-11-15T09:00:00.000Z");
  });

  it("clamps a 31st anchor to the last day of shorter months, and returns to the 31st after", () => {
    const anchor = d("2026-01-31T00:00:00Z");
    const feb = periodFor(d("2026-02-28T12:00:00Z"), anchor);
    expect(feb.start.toISOString()).toBe("2026-02-28T00:00:00.000Z");
    expect(feb.end.toISOString()).toBe("2026-03-31T00:00:00.000Z");
    const jan = periodFor(d("2026-02-10T00:00:00Z"), anchor);
    expect(jan.start.toISOString()).toBe("2026-01-31T00:00:00.000Z");
    expect(jan.end.toISOString()).toBe("2026-02-28T00:00:00.000Z");
    const leap = periodFor(d("2028-02-29T01:00:00Z"), anchor);
    expect(leap.start.toISOString()).toBe("2028-02-29T00:00:00.000Z");
  });

  it("crosses year boundaries", () => {
    const p = periodFor(d("2027-01-03T00:00:00Z"), d("2026-06-10T00:00:00Z"));
    expect(p.start.toISOString()).toBe("2026-12-10T00:00:00.000Z");
    expect(p.end.toISOString()).toBe("2027-01-10T00:00:00.000Z");
  });
});

// The Date-based definition the arithmetic version replaced: the oracle for the property test.
function referencePeriod(ts: Date, anchor: Date | null): { start: number; end: number } {
  const a = anchor ?? new Date(Date.UTC(2000, 0, 1));
  const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const anchoredIn = (year: number, month: number) => {
    const first = new Date(Date.UTC(year, month, 1));
    const y = first.getUTCFullYear();
    const m = first.getUTCMonth();
    return Date.UTC(
      y,
      m,
      Math.min(a.getUTCDate(), daysIn(y, m)),
      a.getUTCHours(),
      a.getUTCMinutes(),
      a.getUTCSeconds(),
      a.getUTCMilliseconds(),
    );
  };
  const y = ts.getUTCFullYear();
  const m = ts.getUTCMonth();
  let offset = 0;
  let start = anchoredIn(y, m);
  if (start > ts.getTime()) {
    offset = -1;
    start = anchoredIn(y, m - 1);
  }
  return { start, end: anchoredIn(y, m + offset + 1) };
}

describe("periodForMs", () => {
  const instant = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) });

  it("equals the Date-based definition for any instant and anchor, and contains the instant", () => {
    fc.assert(
      fc.property(instant, fc.option(instant, { nil: null }), (ts, anchor) => {
        const got = periodForMs(ts, anchor);
        const want = referencePeriod(new Date(ts), anchor === null ? null : new Date(anchor));
        expect(got).toEqual({ startMs: want.start, endMs: want.end });
        expect(got.startMs).toBeLessThanOrEqual(ts);
        expect(got.endMs).toBeGreaterThan(ts);
      }),
      { numRuns: 20_000 },
    );
  });

  it("is exact at the boundaries: the period's end starts the next period", () => {
    fc.assert(
      fc.property(instant, fc.option(instant, { nil: null }), (ts, anchor) => {
        const p = periodForMs(ts, anchor);
        expect(periodForMs(p.endMs, anchor).startMs).toBe(p.endMs);
        expect(periodForMs(p.startMs - 1, anchor).endMs).toBe(p.startMs);
      }),
      { numRuns: 5_000 },
    );
  });

  it("handles instants before 1970 and leap days of century years", () => {
    expect(periodForMs(Date.UTC(1969, 11, 31, 23), null)).toEqual({
      startMs: Date.UTC(1969, 11, 1),
      endMs: Date.UTC(1970, 0, 1),
    });
    const anchor = Date.UTC(2024, 0, 29, 6);
    expect(periodForMs(Date.UTC(2100, 1, 28, 12), anchor).startMs).toBe(Date.UTC(2100, 1, 28, 6));
    expect(periodForMs(Date.UTC(2000, 1, 29, 12), anchor).startMs).toBe(Date.UTC(2000, 1, 29, 6));
  });

  it("puts an instant of the years 0–99 in that year's period, not in 1900–1999", () => {
    const ts = Date.parse("0050-03-10T12:00:00Z");
    expect(periodForMs(ts, null)).toEqual({
      startMs: Date.parse("0050-03-01T00:00:00Z"),
      endMs: Date.parse("0050-04-01T00:00:00Z"),
    });
    const anchor = Date.parse("2026-01-15T08:00:00Z");
    expect(periodForMs(Date.parse("0099-12-20T00:00:00Z"), anchor)).toEqual({
      startMs: Date.parse("0099-12-15T08:00:00Z"),
      endMs: Date.parse("0100-01-15T08:00:00Z"),
    });
  });
});
