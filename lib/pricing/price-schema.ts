import { z } from "zod";
import { cmp, fixed, formatFixed, isInteger, parseFixed, toSafeInteger } from "./fixed";

// The price fields use Stripe's own names and rules (https://docs.stripe.com/api/prices/create)
// so a price imported from Stripe and one defined here are the same object. Validation
// refuses what Stripe refuses: unit_amount and unit_amount_decimal together, more than 12
// decimals, tiers out of order or without a final "inf" tier, transform_quantity on tiered
// prices ("Quantity transformation isn't compatible with tiered pricing",
// https://docs.stripe.com/billing/subscriptions/usage-based/transform-quantities).

const MAX_TIERS = 250;

const ZUnitAmount = z
  .number()
  .int("must be an integer (minor units); use unit_amount_decimal for fractions")
  .min(0, "must be ≥ 0")
  .max(Number.MAX_SAFE_INTEGER);

const MAX_AMOUNT = fixed(Number.MAX_SAFE_INTEGER);

// Stripe: "a decimal value in cents (or local equivalent) with at most 12 decimal places", and
// otherwise "Same as unit_amount" (https://docs.stripe.com/api/prices/create): so the same
// range as the integer form, ≤ 2^53 − 1 minor units. A price refused as unit_amount is refused
// in its decimal form too, and a whole decimal amount always shows its integer form.
// `abort`: a malformed string stops here; the refinements below parse only well-formed ones
// (without it zod ran them on "12,50" too, and parseFixed's SyntaxError answered 500).
const ZAmountDecimal = z
  .string()
  .regex(/^\d{1,20}(\.\d{1,12})?$/, {
    message: "must be a non-negative decimal string with at most 12 decimal places",
    abort: true,
  })
  .refine((s) => cmp(parseFixed(s), MAX_AMOUNT) <= 0, {
    message: `must be at most ${Number.MAX_SAFE_INTEGER} minor units`,
    abort: true,
  });

const ZFlatAmountDecimal = ZAmountDecimal.refine((s) => isInteger(parseFixed(s)), {
  // Stripe: flat_amount_decimal "accepts a decimal value representing an integer in the minor units".
  message: "must represent an integer amount in minor units",
});

// One message for every way up_to can be wrong (1.5, "100", 0): zod's own for a union is
// "Invalid input".
const UP_TO = { error: 'must be a whole number > 0, or "inf" for the last tier' };

export const ZPriceTier = z
  .object({
    // Stripe returns the last tier's up_to as null; accept it back as "inf".
    up_to: z
      .union([z.number().int(UP_TO).positive(UP_TO), z.literal("inf"), z.null()], UP_TO)
      .transform((v) => v ?? "inf"),
    unit_amount: ZUnitAmount.nullish(),
    unit_amount_decimal: ZAmountDecimal.nullish(),
    flat_amount: ZUnitAmount.nullish(),
    flat_amount_decimal: ZFlatAmountDecimal.nullish(),
  })
  .strict();

export const ZTransformQuantity = z
  .object({
    divide_by: z.number().int("must be an integer").positive("must be > 0").max(Number.MAX_SAFE_INTEGER),
    round: z.enum(["up", "down"]),
  })
  .strict();

// ISO 4217's current codes, as the runtime's ICU data knows them (162 in Node 20). Stripe
// refuses a code that is not a currency; so do we, instead of storing "xyz" and pricing in it.
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf("currency").map((c) => c.toLowerCase()));

export const ZCurrency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, "must be a three-letter ISO currency code")
  .transform((c) => c.toLowerCase())
  .refine((c) => ISO_CURRENCIES.has(c), "must be an ISO 4217 currency code, e.g. usd");

/** The Stripe-shaped pricing fields, as a client sends them (nulls mean "not set"). */
export const ZPriceFields = z
  .object({
    currency: ZCurrency,
    billing_scheme: z.enum(["per_unit", "tiered"]).default("per_unit"),
    unit_amount: ZUnitAmount.nullish(),
    unit_amount_decimal: ZAmountDecimal.nullish(),
    tiers_mode: z.enum(["graduated", "volume"]).nullish(),
    tiers: z.array(ZPriceTier).min(1).max(MAX_TIERS).nullish(),
    transform_quantity: ZTransformQuantity.nullish(),
  })
  .strict();

export type TPriceFieldsInput = z.input<typeof ZPriceFields>;

type RawFields = z.output<typeof ZPriceFields>;
type Ctx = { addIssue: (issue: { code: "custom"; message: string; path: PropertyKey[] }) => void };

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** Cross-field rules of Stripe's price object. Exported so wrappers with more fields can reuse it. */
export function checkPriceFields(p: RawFields, ctx: Ctx, base: PropertyKey[] = []): void {
  const issue = (path: PropertyKey[], message: string) =>
    ctx.addIssue({ code: "custom", message, path: [...base, ...path] });
  if (isSet(p.unit_amount) && isSet(p.unit_amount_decimal)) {
    issue(["unit_amount_decimal"], "only one of unit_amount and unit_amount_decimal can be set");
  }
  if (p.billing_scheme === "per_unit") {
    if (!isSet(p.unit_amount) && !isSet(p.unit_amount_decimal)) {
      issue(["unit_amount"], "unit_amount or unit_amount_decimal is required when billing_scheme is per_unit");
    }
    if (isSet(p.tiers)) issue(["tiers"], "tiers are only allowed when billing_scheme is tiered");
    if (isSet(p.tiers_mode)) issue(["tiers_mode"], "tiers_mode is only allowed when billing_scheme is tiered");
    return;
  }
  if (isSet(p.unit_amount) || isSet(p.unit_amount_decimal)) {
    issue(
      [isSet(p.unit_amount) ? "unit_amount" : "unit_amount_decimal"],
      "not allowed when billing_scheme is tiered; set the amounts on the tiers",
    );
  }
  if (isSet(p.transform_quantity)) issue(["transform_quantity"], "transform_quantity cannot be combined with tiers");
  if (!isSet(p.tiers_mode))
    issue(["tiers_mode"], "tiers_mode (graduated or volume) is required when billing_scheme is tiered");
  if (!p.tiers || p.tiers.length === 0) {
    issue(["tiers"], "tiers are required when billing_scheme is tiered");
    return;
  }
  let previous = 0;
  p.tiers.forEach((tier, i) => {
    const last = i === p.tiers!.length - 1;
    if (tier.up_to === "inf") {
      if (!last) issue(["tiers", i, "up_to"], 'only the last tier can have up_to "inf"');
    } else {
      if (last) issue(["tiers", i, "up_to"], 'the last tier must have up_to "inf"');
      if (tier.up_to <= previous) issue(["tiers", i, "up_to"], "tiers must be in ascending order of up_to");
      previous = tier.up_to;
    }
    if (isSet(tier.unit_amount) && isSet(tier.unit_amount_decimal)) {
      issue(["tiers", i, "unit_amount_decimal"], "only one of unit_amount and unit_amount_decimal can be set");
    }
    if (isSet(tier.flat_amount) && isSet(tier.flat_amount_decimal)) {
      issue(["tiers", i, "flat_amount_decimal"], "only one of flat_amount and flat_amount_decimal can be set");
    }
    if (![tier.unit_amount, tier.unit_amount_decimal, tier.flat_amount, tier.flat_amount_decimal].some(isSet)) {
      issue(["tiers", i], "a tier needs unit_amount, unit_amount_decimal, flat_amount or flat_amount_decimal");
    }
  });
}

export interface PriceTier {
  /** Inclusive upper bound of the tier; "inf" for the last one. */
  up_to: number | "inf";
  /** Minor units per unit, canonical decimal string; null when the tier has only a flat amount. */
  unit_amount_decimal: string | null;
  /** Minor units, canonical integer string; null when the tier has no flat amount. */
  flat_amount_decimal: string | null;
}

/** A validated price, with every amount held as an exact decimal string in minor units. */
export interface PriceDefinition {
  currency: string;
  billing_scheme: "per_unit" | "tiered";
  unit_amount_decimal: string | null;
  tiers_mode: "graduated" | "volume" | null;
  tiers: PriceTier[] | null;
  transform_quantity: { divide_by: number; round: "up" | "down" } | null;
}

function amountString(int: number | null | undefined, dec: string | null | undefined): string | null {
  if (isSet(int)) return String(int);
  if (isSet(dec)) return formatFixed(parseFixed(dec!));
  return null;
}

function normalize(p: RawFields): PriceDefinition {
  if (p.billing_scheme === "per_unit") {
    return {
      currency: p.currency,
      billing_scheme: "per_unit",
      unit_amount_decimal: amountString(p.unit_amount, p.unit_amount_decimal),
      tiers_mode: null,
      tiers: null,
      transform_quantity: p.transform_quantity ?? null,
    };
  }
  return {
    currency: p.currency,
    billing_scheme: "tiered",
    unit_amount_decimal: null,
    tiers_mode: p.tiers_mode ?? null,
    tiers: (p.tiers ?? []).map((t) => ({
      up_to: t.up_to,
      unit_amount_decimal: amountString(t.unit_amount, t.unit_amount_decimal),
      flat_amount_decimal: amountString(t.flat_amount, t.flat_amount_decimal),
    })),
    transform_quantity: null,
  };
}

/** Parses Stripe-shaped price fields into a PriceDefinition (zod errors carry Stripe's rules). */
export const ZPriceDefinition = ZPriceFields.superRefine((p, ctx) => checkPriceFields(p, ctx)).transform(normalize);

export function normalizePriceFields(p: RawFields): PriceDefinition {
  return normalize(p);
}

/** Integer form of a decimal amount when it has no fraction, as Stripe fills `unit_amount`. */
export function integerAmount(dec: string | null): number | null {
  if (dec === null) return null;
  return toSafeInteger(parseFixed(dec));
}

/** The price's fields as Stripe shows them: both the integer and the decimal form. */
export function toStripeFields(def: PriceDefinition) {
  return {
    currency: def.currency,
    billing_scheme: def.billing_scheme,
    unit_amount: integerAmount(def.unit_amount_decimal),
    unit_amount_decimal: def.unit_amount_decimal,
    tiers_mode: def.tiers_mode,
    tiers:
      def.tiers?.map((t) => ({
        up_to: t.up_to,
        unit_amount: integerAmount(t.unit_amount_decimal),
        unit_amount_decimal: t.unit_amount_decimal,
        flat_amount: integerAmount(t.flat_amount_decimal),
        flat_amount_decimal: t.flat_amount_decimal,
      })) ?? null,
    transform_quantity: def.transform_quantity,
  };
}
