import { describe, expect, it } from "vitest";
import { canonicalJson, compareKeys, formatDecimal, normalizeQuantity, parseRfc3339 } from "@/lib/ingest/normalize";

describe("parseRfc3339", () => {
  it("requires an offset and applies it", () => {
    expect(parseRfc3339("2026-11-27T14:30:00Z")).toBe(Date.UTC(2026, 10, 27, 14, 30));
    expect(parseRfc3339("2026-11-27T15:30:00+01:00")).toBe(Date.UTC(2026, 10, 27, 14, 30));
    expect(parseRfc3339("2026-11-27T09:00:00-05:30")).toBe(Date.UTC(2026, 10, 27, 14, 30));
    expect(parseRfc3339("2026-11-27T14:30:00")).toBeNull();
    expect(parseRfc3339("2026-11-27 14:30:00Z")).toBeNull();
  });

  it("truncates fractions to milliseconds", () => {
    expect(parseRfc3339("2026-11-27T14:30:00.1239Z")).toBe(Date.UTC(2026, 10, 27, 14, 30, 0, 123));
    expect(parseRfc3339("2026-11-27T14:30:00.5Z")).toBe(Date.UTC(2026, 10, 27, 14, 30, 0, 500));
  });

  it("knows leap years and refuses impossible dates and times", () => {
    expect(parseRfc3339("2028-02-29T00:00:00Z")).toBe(Date.UTC(2028, 1, 29));
    expect(parseRfc3339("2000-02-29T00:00:00Z")).toBe(Date.UTC(2000, 1, 29));
    expect(parseRfc3339("2026-02-29T00:00:00Z")).toBeNull();
    expect(parseRfc3339("1900-02-29T00:00:00Z")).toBeNull();
    expect(parseRfc3339("2026-04-31T00:00:00Z")).toBeNull();
    expect(parseRfc3339("2026-13-01T00:00:00Z")).toBeNull();
    expect(parseRfc3339("2026-11-27T24:00:00Z")).toBeNull();
    expect(parseRfc3339("2026-11-27T23:60:00Z")).toBeNull();
    expect(parseRfc3339("2026-11-27T23:59:60Z")).toBeNull();
  });
});

describe("normalizeQuantity", () => {
  it("normalizes numbers and decimal strings to one exact form", () => {
    expect(normalizeQuantity(100)).toEqual({ ok: true, value: "100" });
    expect(normalizeQuantity("1.500")).toEqual({ ok: true, value: "1.5" });
    expect(normalizeQuantity(1.5)).toEqual({ ok: true, value: "1.5" });
    expect(normalizeQuantity("007")).toEqual({ ok: true, value: "7" });
    expect(normalizeQuantity(0)).toEqual({ ok: true, value: "0" });
    expect(normalizeQuantity("99999999999999999999999999999999.999999")).toEqual({
      ok: true,
      value: "99999999999999999999999999999999.999999",
    });
  });

  it("refuses negatives, more than 6 decimals, exponents and oversize values", () => {
    expect(normalizeQuantity(-0.5)).toMatchObject({ ok: false, message: "must be ≥ 0" });
    expect(normalizeQuantity("0.0000001")).toMatchObject({ ok: false });
    expect(normalizeQuantity(1e-7)).toMatchObject({ ok: false });
    expect(normalizeQuantity("1e3")).toMatchObject({ ok: false });
    expect(normalizeQuantity("100000000000000000000000000000000")).toMatchObject({ ok: false });
    expect(normalizeQuantity(Number.NaN)).toMatchObject({ ok: false });
    expect(normalizeQuantity(null)).toMatchObject({ ok: false });
  });
});

describe("helpers", () => {
  it("formats Postgres numerics without trailing zeros", () => {
    expect(formatDecimal("1250.000000")).toBe("1250");
    expect(formatDecimal("0.500000")).toBe("0.5");
    expect(formatDecimal("-0.000000")).toBe("0");
    expect(formatDecimal("100")).toBe("100");
  });

  it("serializes meta canonically and compares keys byte-wise", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(compareKeys("a", "b")).toBeLessThan(0);
    expect(compareKeys("B", "a")).toBeLessThan(0);
    // U+FF5E sorts before U+1F600 in UTF-8 (and in COLLATE "C"), not in UTF-16
    expect(compareKeys("\uff5e", "\u{1f600}")).toBeLessThan(0);
  });
});
