import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dec } from "@/lib/ingest/decimal";
import { formatMicros, toMicros } from "@/lib/ingest/micros";
import { normalizeQuantity } from "@/lib/ingest/normalize";

describe("quantities as integer millionths", () => {
  it("converts known values both ways", () => {
    expect(toMicros("12.5")).toBe(12_500_000n);
    expect(toMicros("100")).toBe(100_000_000n);
    expect(toMicros("0.000001")).toBe(1n);
    expect(toMicros("-0.5")).toBe(-500_000n);
    expect(toMicros("99999999999999999999999999999999.999999")).toBe(99999999999999999999999999999999999999n);
    expect(formatMicros(12_500_000n)).toBe("12.5");
    expect(formatMicros(0n)).toBe("0");
    expect(formatMicros(-1n)).toBe("-0.000001");
    expect(formatMicros(100_000_000n)).toBe("100");
  });

  it("refuses what is not an exact decimal with at most 6 places", () => {
    for (const bad of ["1.0000001", "", "abc", "1e5", "1.2.3", "--1", " 1"]) {
      expect(() => toMicros(bad), bad).toThrow(/at most 6 places/);
    }
  });

  it("sums exactly like decimal arithmetic for any normalized quantities", () => {
    const quantity = fc
      .tuple(
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.integer({ min: 0, max: 999_999 }),
        fc.integer({ min: 0, max: 6 }),
      )
      .map(([whole, frac, places]) => {
        const text = places === 0 ? String(whole) : `${whole}.${String(frac).padStart(6, "0").slice(0, places)}`;
        const n = normalizeQuantity(text);
        if (!n.ok) throw new Error(n.message);
        return n.value;
      });
    fc.assert(
      fc.property(fc.array(quantity, { minLength: 1, maxLength: 40 }), (qs) => {
        const viaMicros = formatMicros(qs.reduce((s, q) => s + toMicros(q), 0n));
        const viaDecimal = qs.reduce((s, q) => s.plus(q), new Dec(0)).toFixed();
        expect(viaMicros).toBe(viaDecimal);
      }),
      { numRuns: 2_000 },
    );
  });
});
