import { describe, expect, it } from "vitest";
import { periodFor } from "@/lib/billing/period";

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
