import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  add,
  cmp,
  divRound,
  divToInteger,
  type Fixed,
  fixed,
  formatFixed,
  isInteger,
  mul,
  parseFixed,
  roundHalfUp,
  sub,
  toFixed,
  toSafeInteger,
} from "@/lib/pricing/fixed";
import { Decimal } from "../helpers/exact-decimal";

const f = (s: string) => formatFixed(parseFixed(s));

describe("fixed-point decimals", () => {
  it("parses plain and exponent notation exactly, and prints canonically", () => {
    expect(f("105.50")).toBe("105.5");
    expect(f("007")).toBe("7");
    expect(f(".5")).toBe("0.5");
    expect(f("5.")).toBe("5");
    expect(f("-0.000")).toBe("0");
    expect(f("+12.340")).toBe("12.34");
    expect(f("1e-7")).toBe("0.0000001");
    expect(f("1.5E3")).toBe("1500");
    expect(f("-2.5e-2")).toBe("-0.025");
    expect(f("123456789012345678901234567890.123456789012")).toBe("123456789012345678901234567890.123456789012");
    expect(formatFixed(parseFixed("8"), 2)).toBe("8.00");
    expect(formatFixed(parseFixed("0.125"), 2)).toBe("0.125");
    expect(formatFixed(parseFixed("-0.001"), 2)).toBe("-0.001");
    expect(formatFixed(parseFixed("-0"), 3)).toBe("0.000");
  });

  it("refuses what is not a finite decimal", () => {
    for (const bad of ["", " ", ".", "-", "abc", "1,5", "1.2.3", "Infinity", "NaN", "0x10", "1e", "e5", "1e99999"]) {
      expect(() => parseFixed(bad), bad).toThrow();
    }
    expect(() => fixed(0.1)).toThrow(/decimal strings/);
    expect(() => fixed(2 ** 60)).toThrow(/safe integers/);
    expect(formatFixed(toFixed(42))).toBe("42");
  });

  it("rounds halves away from zero", () => {
    const r = (s: string, places: number) => formatFixed(roundHalfUp(parseFixed(s), places));
    expect(r("1.5", 0)).toBe("2");
    expect(r("2.5", 0)).toBe("3");
    expect(r("1.49999", 0)).toBe("1");
    expect(r("-1.5", 0)).toBe("-2");
    expect(r("-1.4", 0)).toBe("-1");
    expect(r("0.0000005", 6)).toBe("0.000001");
    expect(r("0.00000049", 6)).toBe("0");
    expect(r("7", 2)).toBe("7");
  });

  it("divides exactly with the requested rounding", () => {
    expect(formatFixed(divRound(parseFixed("1"), parseFixed("3"), 6))).toBe("0.333333");
    expect(formatFixed(divRound(parseFixed("2"), parseFixed("3"), 6))).toBe("0.666667");
    expect(formatFixed(divRound(parseFixed("-2"), parseFixed("3"), 2))).toBe("-0.67");
    expect(formatFixed(divRound(parseFixed("1"), parseFixed("-8"), 2))).toBe("-0.13");
    expect(formatFixed(divRound(parseFixed("0.5"), parseFixed("0.25"), 0))).toBe("2");
    expect(() => divRound(parseFixed("1"), parseFixed("0.000"), 2)).toThrow(/division by zero/);
    const d = (n: string, by: string, round: "up" | "down") =>
      formatFixed(divToInteger(parseFixed(n), parseFixed(by), round));
    expect(d("2500", "1000", "up")).toBe("3");
    expect(d("2500", "1000", "down")).toBe("2");
    expect(d("3000", "1000", "up")).toBe("3");
    expect(d("0.000001", "1000", "up")).toBe("1");
    expect(d("0", "1000", "up")).toBe("0");
    expect(d("-2.5", "1", "up")).toBe("-2");
    expect(d("-2.5", "1", "down")).toBe("-3");
    expect(() => divToInteger(parseFixed("1"), parseFixed("0"), "up")).toThrow(/division by zero/);
  });

  it("converts to a JS number only when the integer is exactly representable", () => {
    expect(toSafeInteger(parseFixed("9007199254740991"))).toBe(Number.MAX_SAFE_INTEGER);
    expect(toSafeInteger(parseFixed("9007199254740992"))).toBeNull();
    expect(toSafeInteger(parseFixed("-9007199254740991.000"))).toBe(-Number.MAX_SAFE_INTEGER);
    expect(toSafeInteger(parseFixed("12.5"))).toBeNull();
    expect(isInteger(parseFixed("12.000"))).toBe(true);
    expect(isInteger(parseFixed("12.001"))).toBe(false);
  });

  // decimal.js (120 digits) as the oracle for every operation on random values.
  const decimalText = fc
    .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 14 }))
    .map(([negative, digits, scale]) => {
      const s = digits.toString().padStart(scale + 1, "0");
      return `${negative ? "-" : ""}${s.slice(0, s.length - scale)}${scale ? `.${s.slice(s.length - scale)}` : ""}`;
    });
  // decimal.js keeps a signed zero ("-0"); an amount is never printed that way.
  const same = (x: Fixed, d: InstanceType<typeof Decimal>) =>
    expect(formatFixed(x)).toBe(d.isZero() ? "0" : d.toFixed());

  it("adds, subtracts, multiplies and compares exactly like decimal.js", () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        const [x, y, da, db] = [parseFixed(a), parseFixed(b), new Decimal(a), new Decimal(b)];
        same(x, da);
        same(add(x, y), da.add(db));
        same(sub(x, y), da.sub(db));
        same(mul(x, y), da.mul(db));
        expect(cmp(x, y)).toBe(da.comparedTo(db));
      }),
      { numRuns: 500 },
    );
  });

  it("rounds and divides like decimal.js with ROUND_HALF_UP", () => {
    fc.assert(
      fc.property(decimalText, decimalText, fc.integer({ min: 0, max: 8 }), (a, b, places) => {
        const [x, y, da, db] = [parseFixed(a), parseFixed(b), new Decimal(a), new Decimal(b)];
        same(roundHalfUp(x, places), da.toDecimalPlaces(places, Decimal.ROUND_HALF_UP));
        if (db.isZero()) return;
        same(divRound(x, y, places), da.div(db).toDecimalPlaces(places, Decimal.ROUND_HALF_UP));
        same(divToInteger(x, y, "up"), da.div(db).ceil());
        same(divToInteger(x, y, "down"), da.div(db).floor());
      }),
      { numRuns: 500 },
    );
  });
});
