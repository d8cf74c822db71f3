import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPath } from "@/lib/api/errors";
import { toStripeFields, ZPriceDefinition } from "@/lib/pricing/price-schema";

function problems(input: unknown): string[] {
  const r = ZPriceDefinition.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

const tiered = (tiers: unknown[], mode = "graduated") => ({
  currency: "usd",
  billing_scheme: "tiered",
  tiers_mode: mode,
  tiers,
});

describe("price validation follows Stripe's rules", () => {
  it("accepts the Stripe shapes and normalizes amounts to exact decimal strings", () => {
    const def = ZPriceDefinition.parse({ currency: "USD", unit_amount_decimal: "105.500" });
    expect(def).toEqual({
      currency: "usd",
      billing_scheme: "per_unit",
      unit_amount_decimal: "105.5",
      tiers_mode: null,
      tiers: null,
      transform_quantity: null,
    });
    const t = ZPriceDefinition.parse(
      tiered([
        { up_to: 10, flat_amount: 500 },
        { up_to: null, unit_amount: 3 },
      ]),
    );
    expect(t.tiers).toEqual([
      { up_to: 10, unit_amount_decimal: null, flat_amount_decimal: "500" },
      { up_to: "inf", unit_amount_decimal: "3", flat_amount_decimal: null },
    ]);
  });

  it("shows prices as Stripe does: unit_amount only when the amount is whole", () => {
    expect(toStripeFields(ZPriceDefinition.parse({ currency: "usd", unit_amount_decimal: "0.05" }))).toMatchObject({
      unit_amount: null,
      unit_amount_decimal: "0.05",
    });
    expect(toStripeFields(ZPriceDefinition.parse({ currency: "usd", unit_amount: 5 }))).toMatchObject({
      unit_amount: 5,
      unit_amount_decimal: "5",
    });
  });

  it("refuses unit_amount together with unit_amount_decimal, and a per_unit price without either", () => {
    expect(problems({ currency: "usd", unit_amount: 5, unit_amount_decimal: "5" })).toEqual([
      "unit_amount_decimal: only one of unit_amount and unit_amount_decimal can be set",
    ]);
    expect(problems({ currency: "usd" })).toEqual([
      "unit_amount: unit_amount or unit_amount_decimal is required when billing_scheme is per_unit",
    ]);
  });

  it("refuses more than 12 decimals, negative, exponent and float amounts", () => {
    expect(problems({ currency: "usd", unit_amount_decimal: "0.0000000000001" })[0]).toMatch(
      /^unit_amount_decimal: must be a non-negative decimal string with at most 12 decimal places/,
    );
    expect(problems({ currency: "usd", unit_amount_decimal: "-1" })).toHaveLength(1);
    expect(problems({ currency: "usd", unit_amount_decimal: "1e3" })).toHaveLength(1);
    expect(problems({ currency: "usd", unit_amount_decimal: 0.5 })).toHaveLength(1);
    expect(problems({ currency: "usd", unit_amount: 1.5 })[0]).toMatch(/^unit_amount: must be an integer/);
    expect(problems({ currency: "usd", unit_amount: -1 })[0]).toMatch(/^unit_amount: must be ≥ 0/);
  });

  it("takes the decimal form of an amount in the same range as the integer form (≤ 2^53 − 1 minor units)", () => {
    // Stripe: unit_amount_decimal is "Same as unit_amount, but accepts a decimal value"; the
    // same price must not be refused as unit_amount 2^53 and accepted as "9007199254740992".
    const tooBig = "must be at most 9007199254740991 minor units";
    expect(problems({ currency: "usd", unit_amount: 2 ** 53 })[0]).toMatch(/^unit_amount: /);
    expect(problems({ currency: "usd", unit_amount_decimal: "9007199254740992" })).toEqual([
      `unit_amount_decimal: ${tooBig}`,
    ]);
    expect(problems({ currency: "usd", unit_amount_decimal: "99999999999999999999.999999999999" })).toEqual([
      `unit_amount_decimal: ${tooBig}`,
    ]);
    expect(
      problems(
        tiered([
          { up_to: 10, unit_amount_decimal: "9007199254740991.000000000001" },
          { up_to: "inf", flat_amount_decimal: "10000000000000000000" },
        ]),
      ),
    ).toEqual([`tiers[0].unit_amount_decimal: ${tooBig}`, `tiers[1].flat_amount_decimal: ${tooBig}`]);
    // Within the range a whole decimal amount shows its integer form too, as API.md promises.
    const max = ZPriceDefinition.parse({ currency: "usd", unit_amount_decimal: "9007199254740991" });
    expect(toStripeFields(max)).toMatchObject({
      unit_amount: 9007199254740991,
      unit_amount_decimal: "9007199254740991",
    });
    expect(problems({ currency: "usd", unit_amount_decimal: "9007199254740990.999999999999" })).toEqual([]);
    const flat = ZPriceDefinition.parse(tiered([{ up_to: "inf", flat_amount_decimal: "9007199254740991" }]));
    expect(toStripeFields(flat).tiers?.[0]).toMatchObject({ flat_amount: 9007199254740991 });
  });

  it("refuses a currency that is not an ISO 4217 code, and says what up_to must be", () => {
    expect(problems({ currency: "xyz", unit_amount: 1 })).toEqual([
      "currency: must be an ISO 4217 currency code, e.g. usd",
    ]);
    expect(problems({ currency: "us", unit_amount: 1 })[0]).toBe("currency: must be a three-letter ISO currency code");
    expect(ZPriceDefinition.parse({ currency: "KWD", unit_amount: 1 }).currency).toBe("kwd");
    for (const up_to of [1.5, "100", 0, -3, true]) {
      expect(
        problems(
          tiered([
            { up_to, unit_amount: 1 },
            { up_to: "inf", unit_amount: 1 },
          ]),
        )[0],
      ).toBe('tiers[0].up_to: must be a whole number > 0, or "inf" for the last tier');
    }
  });

  it("refuses tiers out of ascending order, a last tier that is not inf, and inf before the end", () => {
    expect(
      problems(
        tiered([
          { up_to: 10, unit_amount: 1 },
          { up_to: 5, unit_amount: 1 },
          { up_to: "inf", unit_amount: 1 },
        ]),
      ),
    ).toEqual(["tiers[1].up_to: tiers must be in ascending order of up_to"]);
    expect(
      problems(
        tiered([
          { up_to: 10, unit_amount: 1 },
          { up_to: 20, unit_amount: 1 },
        ]),
      ),
    ).toEqual(['tiers[1].up_to: the last tier must have up_to "inf"']);
    expect(
      problems(
        tiered([
          { up_to: "inf", unit_amount: 1 },
          { up_to: "inf", unit_amount: 1 },
        ]),
      ),
    ).toEqual(['tiers[0].up_to: only the last tier can have up_to "inf"']);
    expect(
      problems(
        tiered([
          { up_to: 0, unit_amount: 1 },
          { up_to: "inf", unit_amount: 1 },
        ]),
      )[0],
    ).toMatch(/^tiers\[0\]\.up_to: must be a whole number > 0/);
  });

  it("refuses a tier with both amount forms, with no amount, or a fractional flat amount", () => {
    expect(problems(tiered([{ up_to: "inf", unit_amount: 1, unit_amount_decimal: "1" }]))).toEqual([
      "tiers[0].unit_amount_decimal: only one of unit_amount and unit_amount_decimal can be set",
    ]);
    expect(problems(tiered([{ up_to: "inf", flat_amount: 1, flat_amount_decimal: "1" }]))).toEqual([
      "tiers[0].flat_amount_decimal: only one of flat_amount and flat_amount_decimal can be set",
    ]);
    expect(problems(tiered([{ up_to: "inf" }]))).toEqual([
      "tiers[0]: a tier needs unit_amount, unit_amount_decimal, flat_amount or flat_amount_decimal",
    ]);
    expect(problems(tiered([{ up_to: "inf", flat_amount_decimal: "1.5" }]))).toEqual([
      "tiers[0].flat_amount_decimal: must represent an integer amount in minor units",
    ]);
    for (const bad of ["", "abc", "12,50", "1.2.3"]) {
      expect(problems(tiered([{ up_to: "inf", flat_amount_decimal: bad }])), bad).toEqual([
        "tiers[0].flat_amount_decimal: must be a non-negative decimal string with at most 12 decimal places",
      ]);
    }
  });

  it("refuses tiered prices without tiers_mode or tiers, with top-level amounts, or with transform_quantity", () => {
    expect(problems({ currency: "usd", billing_scheme: "tiered", tiers: [{ up_to: "inf", unit_amount: 1 }] })).toEqual([
      "tiers_mode: tiers_mode (graduated or volume) is required when billing_scheme is tiered",
    ]);
    expect(problems({ currency: "usd", billing_scheme: "tiered", tiers_mode: "volume" })).toEqual([
      "tiers: tiers are required when billing_scheme is tiered",
    ]);
    expect(
      problems({
        ...tiered([{ up_to: "inf", unit_amount: 1 }]),
        unit_amount: 5,
        transform_quantity: { divide_by: 2, round: "up" },
      }),
    ).toEqual([
      "unit_amount: not allowed when billing_scheme is tiered; set the amounts on the tiers",
      "transform_quantity: transform_quantity cannot be combined with tiers",
    ]);
    expect(problems({ currency: "usd", unit_amount: 1, tiers: [{ up_to: "inf", unit_amount: 1 }] })).toEqual([
      "tiers: tiers are only allowed when billing_scheme is tiered",
    ]);
  });

  it("refuses unknown fields, bad currencies and bad transform_quantity", () => {
    expect(problems({ currency: "usd", unit_amount: 1, unitAmount: 1 })[0]).toMatch(/unitAmount/);
    expect(problems({ currency: "dollars", unit_amount: 1 })).toEqual([
      "currency: must be a three-letter ISO currency code",
    ]);
    expect(problems({ currency: "usd", unit_amount: 1, transform_quantity: { divide_by: 0, round: "up" } })).toEqual([
      "transform_quantity.divide_by: must be > 0",
    ]);
    expect(
      problems({ currency: "usd", unit_amount: 1, transform_quantity: { divide_by: 2, round: "nearest" } }),
    ).toHaveLength(1);
  });
});

describe("price validation properties", () => {
  const decimalFields = (value: unknown) => [
    { currency: "usd", unit_amount_decimal: value },
    { ...tiered([{ up_to: "inf", unit_amount_decimal: value }]) },
    { ...tiered([{ up_to: "inf", flat_amount_decimal: value }]) },
  ];

  it("any input to a decimal amount field is a validation issue or a price, never an exception", () => {
    // Arbitrary text, near-decimal text and non-strings: a thrown error here is a 500 in the API.
    const nearDecimal = fc
      .array(fc.constantFrom("0", "1", "9", ".", ",", "-", "+", "e", " ", "x"), { maxLength: 40 })
      .map((chars) => chars.join(""));
    fc.assert(
      fc.property(fc.oneof(fc.string(), nearDecimal, fc.anything()), (value) => {
        for (const fields of decimalFields(value)) {
          const r = ZPriceDefinition.safeParse(fields);
          if (!r.success) expect(r.error.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("an integer amount is the same price in either form, up to 2^53 − 1 minor units and not beyond", () => {
    const amount = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }),
      fc.bigInt({ min: 2n ** 53n - 1000n, max: 2n ** 53n + 1000n }),
      fc.bigInt({ min: 2n ** 53n, max: 10n ** 20n - 1n }),
    );
    fc.assert(
      fc.property(amount, (n) => {
        const text = n.toString();
        const safe = n <= BigInt(Number.MAX_SAFE_INTEGER);
        const asDecimal = ZPriceDefinition.safeParse({ currency: "usd", unit_amount_decimal: text });
        const flat = ZPriceDefinition.safeParse(tiered([{ up_to: "inf", flat_amount_decimal: text }]));
        expect(asDecimal.success).toBe(safe);
        expect(flat.success).toBe(safe);
        if (!safe) return;
        const asInteger = ZPriceDefinition.parse({ currency: "usd", unit_amount: Number(n) });
        expect(asDecimal.data).toEqual(asInteger);
        expect(toStripeFields(asInteger)).toMatchObject({ unit_amount: Number(n), unit_amount_decimal: text });
        expect(toStripeFields(flat.data!).tiers?.[0]).toMatchObject({
          flat_amount: Number(n),
          flat_amount_decimal: text,
        });
      }),
      { numRuns: 500 },
    );
  });
});
