import fc from "fast-check";
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

describe("parseRfc3339 against the RFC 3339 grammar as a regular expression", () => {
  // The former implementation, kept as the oracle for the hand-written scanner.
  const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
  function oracle(raw: string): number | null {
    const m = RFC3339.exec(raw);
    if (!m) return null;
    const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (d > [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]) return null;
    let offsetMin = 0;
    const off = m[8];
    if (off !== "Z" && off !== "z") {
      const oh = Number(off.slice(1, 3));
      const om = Number(off.slice(4, 6));
      if (oh > 23 || om > 59) return null;
      offsetMin = (off[0] === "-" ? -1 : 1) * (oh * 60 + om);
    }
    const ms = m[7] ? Number(m[7].slice(1, 4).padEnd(3, "0")) : 0;
    const date = new Date(0);
    date.setUTCFullYear(y, mo - 1, d);
    date.setUTCHours(h, mi, s, ms);
    return date.getTime() - offsetMin * 60_000;
  }

  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  const candidate = fc
    .record({
      y: fc.integer({ min: 0, max: 9999 }),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 25 }),
      mi: fc.integer({ min: 0, max: 61 }),
      s: fc.integer({ min: 0, max: 61 }),
      t: fc.constantFrom("T", "t", " ", "x"),
      frac: fc.option(fc.stringMatching(/^[0-9]{0,11}$/)),
      off: fc.oneof(
        fc.constantFrom("Z", "z", "", "+", "Zz", "+0100"),
        fc
          .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }))
          .map(([sign, oh, om]) => `${sign}${pad(oh, 2)}:${pad(om, 2)}`),
      ),
    })
    .map(
      (v) =>
        `${pad(v.y, 4)}-${pad(v.mo, 2)}-${pad(v.d, 2)}${v.t}${pad(v.h, 2)}:${pad(v.mi, 2)}:${pad(v.s, 2)}` +
        `${v.frac === null ? "" : `.${v.frac}`}${v.off}`,
    );

  it("agrees on generated timestamps, valid and invalid", () => {
    fc.assert(
      fc.property(candidate, (raw) => {
        expect(parseRfc3339(raw)).toBe(oracle(raw));
      }),
      { numRuns: 20_000 },
    );
  });

  it("agrees on arbitrary strings and on mutations of a valid timestamp", () => {
    const valid = "2026-11-27T14:30:00.123+01:00";
    const mutated = fc
      .tuple(fc.integer({ min: 0, max: valid.length }), fc.integer({ min: 0, max: 3 }), fc.string({ maxLength: 3 }))
      .map(([at, cut, insert]) => valid.slice(0, at) + insert + valid.slice(at + cut));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), mutated), (raw) => {
        expect(parseRfc3339(raw)).toBe(oracle(raw));
      }),
      { numRuns: 20_000 },
    );
  });

  it("reads years before 100 literally", () => {
    expect(parseRfc3339("0050-03-01T00:00:00Z")).toBe(Date.parse("0050-03-01T00:00:00Z"));
    expect(new Date(parseRfc3339("0000-01-01T00:00:00Z") as number).getUTCFullYear()).toBe(0);
  });
});
