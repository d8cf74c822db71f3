import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { calculatePrice, formatMinorUnits } from "@/lib/pricing/calculate-price";
import { currencyExponent } from "@/lib/pricing/currencies";
import { type PriceDefinition, type TPriceFieldsInput, ZPriceDefinition } from "@/lib/pricing/price-schema";
import { Decimal, referencePrice } from "../helpers/exact-decimal";

const price = (fields: TPriceFieldsInput): PriceDefinition => ZPriceDefinition.parse(fields);
const amount = (fields: TPriceFieldsInput, q: string | number) => calculatePrice(price(fields), q).amount;

// Typographic's fonts (https://docs.stripe.com/subscriptions/pricing-models/tiered-pricing):
// 1-5 at 7 USD, 6-10 at 6.50 USD, 11+ at 6 USD.
const typographicTiers = [
  { up_to: 5, unit_amount: 700 },
  { up_to: 10, unit_amount: 650 },
  { up_to: "inf" as const, unit_amount: 600 },
];

// The older tiers page (https://stripe.com/docs/billing/subscriptions/tiers): $5, $4, $3, $2, $1.
const fiveTiers = [
  { up_to: 5, unit_amount: 500 },
  { up_to: 10, unit_amount: 400 },
  { up_to: 15, unit_amount: 300 },
  { up_to: 20, unit_amount: 200 },
  { up_to: "inf" as const, unit_amount: 100 },
];

describe("Stripe's worked examples", () => {
  it("volume tiers bill every unit at the rate of the tier the total falls in (Typographic table)", () => {
    const p = {
      currency: "usd",
      billing_scheme: "tiered" as const,
      tiers_mode: "volume" as const,
      tiers: typographicTiers,
    };
    expect([1, 5, 6, 20, 25].map((q) => amount(p, q))).toEqual([700, 3500, 3900, 12000, 15000]);
  });

  it("graduated tiers bill each unit at its own tier's rate (Typographic: 6 fonts = 41.50 USD)", () => {
    const p = {
      currency: "usd",
      billing_scheme: "tiered" as const,
      tiers_mode: "graduated" as const,
      tiers: typographicTiers,
    };
    expect([1, 5, 6, 20, 25].map((q) => amount(p, q))).toEqual([700, 3500, 4150, 12750, 15750]);
  });

  it("volume totals can decrease with quantity, as in Stripe's five-tier table", () => {
    const p = { currency: "usd", billing_scheme: "tiered" as const, tiers_mode: "volume" as const, tiers: fiveTiers };
    expect([1, 5, 6, 20, 25].map((q) => amount(p, q))).toEqual([500, 2500, 2400, 4000, 2500]);
  });

  it("graduated five-tier price charges $29 for 6 units, as the Stripe page says", () => {
    const p = {
      currency: "usd",
      billing_scheme: "tiered" as const,
      tiers_mode: "graduated" as const,
      tiers: fiveTiers,
    };
    expect(amount(p, 6)).toBe(2900);
    expect(amount(p, 20)).toBe(7000);
    expect(amount(p, 25)).toBe(7500);
  });

  it("package pricing: $10 per 5 users rounded up (1, 3, 5 users = $10; 6, 7 users = $20)", () => {
    const p = { currency: "usd", unit_amount: 1000, transform_quantity: { divide_by: 5, round: "up" as const } };
    expect([1, 3, 5, 6, 7].map((q) => amount(p, q))).toEqual([1000, 1000, 1000, 2000, 2000]);
  });

  it("package pricing: 150 rental minutes at $10 per started hour = $30", () => {
    const p = { currency: "usd", unit_amount: 1000, transform_quantity: { divide_by: 60, round: "up" as const } };
    const calc = calculatePrice(price(p), 150);
    expect(calc.billableQuantity).toBe("3");
    expect(calc.amount).toBe(3000);
  });

  it("decimal unit amounts round at the line: 30 × 0.05 cents = 1.5 -> 2 cents", () => {
    const calc = calculatePrice(price({ currency: "usd", unit_amount_decimal: "0.05" }), 30);
    expect(calc.amountDecimal).toBe("1.5");
    expect(calc.amount).toBe(2);
  });

  it("a unit_amount_decimal of 105.5 cents is $1.055 per unit", () => {
    expect(amount({ currency: "usd", unit_amount_decimal: "105.5" }, 1)).toBe(106);
    expect(amount({ currency: "usd", unit_amount_decimal: "105.5" }, 2)).toBe(211);
  });

  it("flat fee and overage: first 1,000 tokens free, then 0.04 USD each (Hypernian)", () => {
    const p = {
      currency: "usd",
      billing_scheme: "tiered" as const,
      tiers_mode: "graduated" as const,
      tiers: [
        { up_to: 1000, unit_amount: 0 },
        { up_to: "inf" as const, unit_amount_decimal: "4" },
      ],
    };
    expect(amount(p, 800)).toBe(0);
    expect(amount(p, 1500)).toBe(2000);
  });

  it("a base fee in the first tier is charged even at zero usage, later flat fees only when reached", () => {
    const p = {
      currency: "usd",
      billing_scheme: "tiered" as const,
      tiers_mode: "graduated" as const,
      tiers: [
        { up_to: 1000, flat_amount: 20000 },
        { up_to: 5000, unit_amount_decimal: "2.5", flat_amount_decimal: "1000" },
        { up_to: "inf" as const, unit_amount: 1 },
      ],
    };
    expect(amount(p, 0)).toBe(20000);
    expect(amount(p, 1000)).toBe(20000);
    // 20000 + 1000 flat + 1 × 2.5 = 21002.5 -> 21003
    expect(amount(p, 1001)).toBe(21003);
    // 20000 + 1000 + 4000 × 2.5 + 1000 × 1 = 32000
    expect(amount(p, 6000)).toBe(32000);
  });
});

describe("rounding and currencies", () => {
  it("rounds only the line total, not each tier (0.5 + 0.5 cents = 1 cent, not 2)", () => {
    const p = {
      currency: "usd",
      billing_scheme: "tiered" as const,
      tiers_mode: "graduated" as const,
      tiers: [
        { up_to: 1, unit_amount_decimal: "0.5" },
        { up_to: "inf" as const, unit_amount_decimal: "0.5" },
      ],
    };
    const calc = calculatePrice(price(p), 2);
    expect(calc.breakdown.map((b) => b.amountDecimal)).toEqual(["0.5", "0.5"]);
    expect(calc.amount).toBe(1);
  });

  it("rounds halves up and everything else to the nearest minor unit", () => {
    const p = { currency: "usd", unit_amount_decimal: "0.001" };
    expect(amount(p, 1499)).toBe(1);
    expect(amount(p, 1500)).toBe(2);
    expect(amount(p, 2499)).toBe(2);
    expect(amount(p, "0.000001")).toBe(0);
  });

  it("prices decimal quantities exactly (no float error): 0.1 × 3 units of 10 cents", () => {
    expect(amount({ currency: "usd", unit_amount: 10 }, "0.3")).toBe(3);
    expect(calculatePrice(price({ currency: "usd", unit_amount_decimal: "0.1" }), "0.3").amountDecimal).toBe("0.03");
  });

  it("keeps every digit of huge quantities and 12-decimal unit amounts", () => {
    const calc = calculatePrice(
      price({ currency: "usd", unit_amount_decimal: "0.000000000001" }),
      "12345678901234567890.123456",
    );
    expect(calc.amountDecimal).toBe("12345678.901234567890123456");
    expect(calc.amount).toBe(12345679);
    // numeric(38,6) quantities at 1 cent overflow exact integers: refused, never rounded silently
    expect(() =>
      calculatePrice(price({ currency: "usd", unit_amount: 1 }), "99999999999999999999999999999999.999999"),
    ).toThrow(/exceeds/);
  });

  it("zero-decimal currencies: amounts are whole yen, fractional yen round like cents", () => {
    const p = { currency: "JPY", unit_amount_decimal: "0.5" };
    const calc = calculatePrice(price(p), 3);
    expect(calc.currency).toBe("jpy");
    expect(calc.amount).toBe(2);
    expect(calc.breakdown[0].label).toBe("3 × 0.5 JPY = 1.5 JPY");
    expect(amount({ currency: "krw", unit_amount: 1200 }, 7)).toBe(8400);
    expect(formatMinorUnits(8400, "krw")).toBe("8400 KRW");
  });

  it("three-decimal currencies: amounts are in fils/baisa, shown with three decimals", () => {
    const calc = calculatePrice(price({ currency: "kwd", unit_amount: 1250 }), 3);
    expect(calc.amount).toBe(3750);
    expect(calc.breakdown[0].label).toBe("3 × 1.250 KWD = 3.750 KWD");
  });

  it("gives a UI-ready breakdown per graduated tier", () => {
    const p = {
      currency: "usd",
      billing_scheme: "tiered" as const,
      tiers_mode: "graduated" as const,
      tiers: [
        { up_to: 1000, unit_amount: 1 },
        { up_to: "inf" as const, unit_amount_decimal: "0.5", flat_amount: 100 },
      ],
    };
    const calc = calculatePrice(price(p), 1250);
    expect(calc.breakdown).toEqual([
      {
        tier: 1,
        from: "0",
        upTo: "1000",
        quantity: "1000",
        unitAmountDecimal: "1",
        flatAmountDecimal: "0",
        amountDecimal: "1000",
        label: "Tier 1 (0–1000]: 1000 × 0.01 USD = 10.00 USD",
      },
      {
        tier: 2,
        from: "1000",
        upTo: null,
        quantity: "250",
        unitAmountDecimal: "0.5",
        flatAmountDecimal: "100",
        amountDecimal: "225",
        label: "Tier 2 (over 1000): 250 × 0.005 USD + 1.00 USD flat = 2.25 USD",
      },
    ]);
    expect(calc.amount).toBe(1225);
  });

  it("refuses negative or non-finite quantities", () => {
    const p = price({ currency: "usd", unit_amount: 1 });
    expect(() => calculatePrice(p, "-1")).toThrow(/≥ 0/);
    expect(() => calculatePrice(p, "Infinity")).toThrow(/finite/);
    expect(() => calculatePrice(p, 0.1)).toThrow(/decimal strings/);
  });
});

// ---- property tests ----------------------------------------------------------------

/** Decimal strings with up to `dp` decimals, below `max`. */
const decimalArb = (max: number, dp: number) =>
  fc
    .tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 10 ** dp - 1 }))
    .map(([i, f]) => new Decimal(i).add(new Decimal(f).div(10 ** dp)).toFixed());

const tierAmountArb = fc.record(
  {
    unit_amount_decimal: decimalArb(1000, 12),
    flat_amount: fc.integer({ min: 0, max: 100_000 }),
  },
  { requiredKeys: ["unit_amount_decimal"] },
);

const tiersArb = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: 0, maxLength: 6 }),
    fc.array(tierAmountArb, { minLength: 7, maxLength: 7 }),
  )
  .map(([bounds, amounts]) => {
    const sorted = [...bounds].sort((a, b) => a - b);
    return [...sorted.map((b, i) => ({ up_to: b, ...amounts[i] })), { up_to: "inf" as const, ...amounts[6] }];
  });

describe("pricing properties", () => {
  it("graduated amounts never decrease as quantity grows", () => {
    fc.assert(
      fc.property(tiersArb, decimalArb(200_000, 6), decimalArb(200_000, 6), (tiers, a, b) => {
        const p = price({ currency: "usd", billing_scheme: "tiered", tiers_mode: "graduated", tiers });
        const [lo, hi] = new Decimal(a).lte(b) ? [a, b] : [b, a];
        expect(calculatePrice(p, lo).amount).toBeLessThanOrEqual(calculatePrice(p, hi).amount);
      }),
      { numRuns: 300 },
    );
  });

  it("volume amount at a tier boundary is that tier's rate × quantity + its flat fee", () => {
    fc.assert(
      fc.property(
        tiersArb.filter((t) => t.length > 1),
        fc.nat(),
        (tiers, pick) => {
          const p = price({ currency: "usd", billing_scheme: "tiered", tiers_mode: "volume", tiers });
          const i = pick % (tiers.length - 1);
          const tier = tiers[i];
          const q = tier.up_to as number;
          const expected = new Decimal(q)
            .mul(tier.unit_amount_decimal)
            .add(tier.flat_amount ?? 0)
            .toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
            .toNumber();
          expect(calculatePrice(p, q).amount).toBe(expected);
          expect(calculatePrice(p, q).breakdown[0].tier).toBe(i + 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a per_unit price equals a one-tier graduated price with the same unit amount", () => {
    fc.assert(
      fc.property(decimalArb(100_000, 12), decimalArb(10_000_000, 6), (unit, q) => {
        const perUnit = calculatePrice(price({ currency: "eur", unit_amount_decimal: unit }), q);
        const oneTier = calculatePrice(
          price({
            currency: "eur",
            billing_scheme: "tiered",
            tiers_mode: "graduated",
            tiers: [{ up_to: "inf", unit_amount_decimal: unit }],
          }),
          q,
        );
        expect(perUnit.amount).toBe(oneTier.amount);
        expect(perUnit.amountDecimal).toBe(oneTier.amountDecimal);
      }),
      { numRuns: 300 },
    );
  });

  it("package pricing charges a partial package only when round is up", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        decimalArb(1_000_000, 6),
        (divideBy, unit, q) => {
          const down = calculatePrice(
            price({ currency: "usd", unit_amount: unit, transform_quantity: { divide_by: divideBy, round: "down" } }),
            q,
          );
          const up = calculatePrice(
            price({ currency: "usd", unit_amount: unit, transform_quantity: { divide_by: divideBy, round: "up" } }),
            q,
          );
          const packages = new Decimal(q).div(divideBy);
          // whole packages only, never more than the usage covers when rounding down
          expect(new Decimal(down.billableQuantity).isInteger()).toBe(true);
          expect(new Decimal(down.billableQuantity).lte(packages)).toBe(true);
          expect(down.amount).toBe(packages.floor().mul(unit).toNumber());
          // rounding up charges the started package
          expect(new Decimal(up.billableQuantity).gte(packages)).toBe(true);
          expect(up.amount).toBe(packages.ceil().mul(unit).toNumber());
          expect(up.amount - down.amount).toBe(packages.isInteger() ? 0 : unit);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("zero-decimal currencies always yield whole minor units equal to the rounded exact amount", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("jpy", "krw", "vnd", "clp"),
        decimalArb(10_000, 12),
        decimalArb(1_000_000, 6),
        (currency, unit, q) => {
          const calc = calculatePrice(price({ currency, unit_amount_decimal: unit }), q);
          expect(Number.isInteger(calc.amount)).toBe(true);
          const exact = new Decimal(q).mul(unit);
          expect(calc.amountDecimal).toBe(exact.toFixed());
          expect(Math.abs(exact.sub(calc.amount).toNumber())).toBeLessThanOrEqual(0.5);
          expect(formatMinorUnits(calc.amount, currency)).toMatch(/^\d+ [A-Z]{3}$/);
        },
      ),
      { numRuns: 200 },
    );
  });

  // What a UI shows must be what is charged: each label, read back, is quantity × unit amount
  // (+ flat) = amount in major units, those numbers are the entry's exact minor-unit fields
  // moved by the currency's exponent (0, 2 or 3 decimals), and the entries sum to the line.
  it("every breakdown label reads back as the entry's exact numbers, in the currency's major unit", () => {
    const label =
      /^(?:Tier (\d+) \((?:over ([\d.]+)\)|([\d.]+)–([\d.]+)\]): )?([\d.]+) × ([\d.]+) ([A-Z]{3})(?: \+ ([\d.]+) ([A-Z]{3}) flat)? = ([\d.]+) ([A-Z]{3})$/;
    fc.assert(
      fc.property(
        fc.constantFrom("usd", "jpy", "krw", "kwd", "bhd", "isk", "huf"),
        fc.constantFrom("graduated" as const, "volume" as const, "per_unit" as const),
        tiersArb,
        decimalArb(300_000, 6),
        (currency, mode, tiers, q) => {
          const def = price(
            mode === "per_unit"
              ? { currency, unit_amount_decimal: tiers[0].unit_amount_decimal }
              : { currency, billing_scheme: "tiered", tiers_mode: mode, tiers },
          );
          const calc = calculatePrice(def, q);
          const major = (minor: string) => new Decimal(minor).div(new Decimal(10).pow(currencyExponent(currency)));
          let sum = new Decimal(0);
          for (const b of calc.breakdown) {
            const m = label.exec(b.label);
            expect(m, b.label).not.toBeNull();
            const [, tier, over, from, upTo, lq, lu, c1, lf, c2, la, c3] = m!;
            for (const c of [c1, c2, c3]) if (c !== undefined) expect(c).toBe(currency.toUpperCase());
            expect(tier === undefined ? null : Number(tier)).toBe(b.tier);
            if (b.tier !== null) expect(over ?? from).toBe(b.from);
            expect(upTo ?? null).toBe(b.upTo);
            expect(lq).toBe(b.quantity);
            expect(new Decimal(lu).eq(major(b.unitAmountDecimal))).toBe(true);
            expect(new Decimal(lf ?? 0).eq(major(b.flatAmountDecimal))).toBe(true);
            expect(new Decimal(la).eq(major(b.amountDecimal))).toBe(true);
            expect(
              new Decimal(lq)
                .mul(lu)
                .add(lf ?? 0)
                .eq(la),
            ).toBe(true);
            // never fewer decimals than the currency has (8400 KRW, 10.00 USD, 3.750 KWD)
            expect(la.split(".")[1]?.length ?? 0).toBeGreaterThanOrEqual(currencyExponent(currency));
            sum = sum.add(b.amountDecimal);
          }
          expect(sum.eq(calc.amountDecimal)).toBe(true);
          expect(Math.abs(new Decimal(calc.amountDecimal).sub(calc.amount).toNumber())).toBeLessThanOrEqual(0.5);
        },
      ),
      { numRuns: 400 },
    );
  });

  // An independent reference: Stripe's rules written out with decimal.js (120 digits),
  // against the product's BigInt arithmetic — every exact amount, the rounded amount and
  // each tier's quantity must agree to the last digit.
  it("every price equals an independent decimal.js computation of Stripe's rules", () => {
    const priceArb = fc.oneof(
      fc.tuple(fc.constantFrom("graduated" as const, "volume" as const), tiersArb).map(
        ([mode, tiers]): TPriceFieldsInput => ({
          currency: "usd",
          billing_scheme: "tiered",
          tiers_mode: mode,
          tiers,
        }),
      ),
      fc
        .tuple(
          decimalArb(1000, 12),
          fc.option(
            fc.record({
              divide_by: fc.integer({ min: 1, max: 10_000 }),
              round: fc.constantFrom("up" as const, "down" as const),
            }),
            { nil: undefined },
          ),
        )
        .map(
          ([unit, transform]): TPriceFieldsInput => ({
            currency: "usd",
            unit_amount_decimal: unit,
            ...(transform ? { transform_quantity: transform } : {}),
          }),
        ),
    );
    fc.assert(
      fc.property(priceArb, decimalArb(300_000, 6), fc.nat(), (fields, random, pick) => {
        const def = price(fields);
        // Half the tiered runs land exactly on a tier boundary, where the rules are easiest to get wrong.
        const bounds = (def.tiers ?? []).flatMap((t) => (t.up_to === "inf" ? [] : [String(t.up_to)]));
        const q = pick % 2 === 0 && bounds.length > 0 ? bounds[(pick >> 1) % bounds.length] : random;
        const calc = calculatePrice(def, q);
        const { exact, rounded, parts } = referencePrice(def, q);
        expect(calc.amountDecimal).toBe(exact.toFixed());
        expect(calc.amount).toBe(rounded.toNumber());
        expect(calc.breakdown.map((b) => [b.quantity, b.amountDecimal])).toEqual(
          parts.map((p) => [p.units.toFixed(), p.amount.toFixed()]),
        );
      }),
      { numRuns: 600 },
    );
  });
});
