import { currencyExponent } from "./currencies";
import {
  add,
  cmp,
  divToInteger,
  type Fixed,
  type FixedInput,
  fixed,
  formatFixed,
  isNegative,
  isZero,
  max,
  min,
  mul,
  parseFixed,
  roundHalfUp,
  sub,
  toFixed,
  toSafeInteger,
  ZERO,
} from "./fixed";
import type { PriceDefinition, PriceTier } from "./price-schema";

// Prices the quantity of one invoice line exactly as Stripe invoices it.
//
// Rounding rule (https://docs.stripe.com/billing/subscriptions/decimal-amounts, "Rounding"):
// "Rounding occurs on the line item level of your invoices ... the calculated amount for
// the line item would be 0.05 * 30 = 1.5, which is then rounded up to 2 cents. If you have
// multiple line items, each will be rounded before summing up the total." So every tier and
// unit amount is multiplied out exactly, the line is summed exactly, and only the line total
// is rounded to the nearest integer minor unit, halves away from zero (1.5 -> 2). Amounts are
// already in the currency's minor unit (cents, yen, fils), so the same rule holds for zero-
// and three-decimal currencies.
//
// Tier semantics (https://docs.stripe.com/subscriptions/pricing-models/tiered-pricing):
// graduated = each unit at the rate of the tier it falls in, plus the flat amount of every
// tier reached; volume = all units at the rate of the tier the total falls in, plus that
// tier's flat amount. A tier covers (previous up_to, up_to]. The first tier is always
// reached, so its flat amount is the base fee of "flat fee + overage" prices even at zero
// usage. Package pricing = per_unit with transform_quantity: quantity / divide_by rounded
// up or down to a whole number of packages before pricing
// (https://docs.stripe.com/billing/subscriptions/usage-based/transform-quantities).

export interface PriceBreakdownEntry {
  /** 1-based tier index; null for per_unit prices. */
  tier: number | null;
  /** Exclusive lower bound of the tier's range (units). */
  from: string;
  /** Inclusive upper bound; null for the open-ended last tier or a per_unit price. */
  upTo: string | null;
  /** Units priced in this entry (packages when transform_quantity applies). */
  quantity: string;
  /** Minor units per unit, exact. */
  unitAmountDecimal: string;
  /** Minor units charged once for reaching the tier, exact. */
  flatAmountDecimal: string;
  /** quantity × unitAmount + flatAmount, exact (not rounded). */
  amountDecimal: string;
  /** Human-readable line for a UI, in major units of the currency. */
  label: string;
}

export interface PriceCalculation {
  currency: string;
  /** The quantity as given (canonical decimal string). */
  quantity: string;
  /** The quantity that is priced: after transform_quantity for package prices. */
  billableQuantity: string;
  /** Exact line amount in minor units before Stripe's line-level rounding. */
  amountDecimal: string;
  /** The line amount in integer minor units, as on the Stripe invoice. */
  amount: number;
  breakdown: PriceBreakdownEntry[];
}

export class PricingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PricingError";
  }
}

function dec(value: string | null): Fixed {
  return value === null ? ZERO : parseFixed(value);
}

/** "1234.5" minor units of usd -> "12.345 USD"; digits are never lost to a float. */
export function formatMinorUnits(minor: FixedInput, currency: string): string {
  const exp = currencyExponent(currency);
  const m = toFixed(minor);
  // Moving the decimal point is exact: minor × 10^-exp.
  return `${formatFixed({ units: m.units, scale: m.scale + exp }, exp)} ${currency.toUpperCase()}`;
}

function entry(
  currency: string,
  tier: number | null,
  from: Fixed,
  upTo: Fixed | null,
  quantity: Fixed,
  unit: Fixed,
  flat: Fixed,
): { entry: PriceBreakdownEntry; amount: Fixed } {
  const amount = add(mul(quantity, unit), flat);
  const fromText = formatFixed(from);
  const upToText = upTo === null ? null : formatFixed(upTo);
  const quantityText = formatFixed(quantity);
  const range =
    tier === null
      ? ""
      : upToText === null
        ? `Tier ${tier} (over ${fromText}): `
        : `Tier ${tier} (${fromText}–${upToText}]: `;
  const flatPart = isZero(flat) ? "" : ` + ${formatMinorUnits(flat, currency)} flat`;
  return {
    amount,
    entry: {
      tier,
      from: fromText,
      upTo: upToText,
      quantity: quantityText,
      unitAmountDecimal: formatFixed(unit),
      flatAmountDecimal: formatFixed(flat),
      amountDecimal: formatFixed(amount),
      label: `${range}${quantityText} × ${formatMinorUnits(unit, currency)}${flatPart} = ${formatMinorUnits(amount, currency)}`,
    },
  };
}

type Priced = ReturnType<typeof entry>;

function upperBound(t: PriceTier): Fixed | null {
  return t.up_to === "inf" ? null : fixed(t.up_to);
}

function graduated(def: PriceDefinition, tiers: PriceTier[], q: Fixed): Priced[] {
  const out: Priced[] = [];
  let lower = ZERO;
  for (let i = 0; i < tiers.length; i++) {
    // A later tier is reached only by usage beyond the previous bound.
    if (i > 0 && cmp(q, lower) <= 0) break;
    const upper = upperBound(tiers[i]);
    const top = upper === null ? q : min(q, upper);
    const units = max(sub(top, lower), ZERO);
    out.push(
      entry(
        def.currency,
        i + 1,
        lower,
        upper,
        units,
        dec(tiers[i].unit_amount_decimal),
        dec(tiers[i].flat_amount_decimal),
      ),
    );
    if (upper === null) break;
    lower = upper;
  }
  return out;
}

function volume(def: PriceDefinition, tiers: PriceTier[], q: Fixed): Priced[] {
  let lower = ZERO;
  for (let i = 0; i < tiers.length; i++) {
    const upper = upperBound(tiers[i]);
    if (upper === null || cmp(q, upper) <= 0) {
      return [
        entry(
          def.currency,
          i + 1,
          lower,
          upper,
          q,
          dec(tiers[i].unit_amount_decimal),
          dec(tiers[i].flat_amount_decimal),
        ),
      ];
    }
    lower = upper;
  }
  // Unreachable for a validated price (its last tier is "inf").
  throw new PricingError('price has no tier for this quantity (the last tier must be up_to "inf")');
}

/** Applies transform_quantity: whole packages, rounded up or down as the price says. */
export function billableQuantity(def: PriceDefinition, quantity: Fixed): Fixed {
  const t = def.transform_quantity;
  return t ? divToInteger(quantity, fixed(t.divide_by), t.round) : quantity;
}

/** The amount Stripe would invoice for `quantity` units of a price, with its breakdown. */
export function calculatePrice(def: PriceDefinition, quantityInput: FixedInput): PriceCalculation {
  let quantity: Fixed;
  try {
    quantity = toFixed(quantityInput);
  } catch (err) {
    // "Infinity", "NaN", "1e" (a float passed as a number stays a TypeError: a caller bug).
    if (err instanceof TypeError) throw err;
    throw new PricingError("quantity must be a finite decimal ≥ 0");
  }
  if (isNegative(quantity)) throw new PricingError("quantity must be a finite decimal ≥ 0");
  let priced: Priced[];
  let billable = quantity;
  if (def.billing_scheme === "per_unit") {
    billable = billableQuantity(def, quantity);
    priced = [entry(def.currency, null, ZERO, null, billable, dec(def.unit_amount_decimal), ZERO)];
  } else if (def.tiers_mode === "graduated") {
    priced = graduated(def, def.tiers ?? [], quantity);
  } else {
    priced = volume(def, def.tiers ?? [], quantity);
  }
  const exact = priced.reduce((sum, p) => add(sum, p.amount), ZERO);
  const amount = toSafeInteger(roundHalfUp(exact, 0));
  if (amount === null) {
    throw new PricingError("amount exceeds the largest integer amount that can be represented exactly");
  }
  return {
    currency: def.currency,
    quantity: formatFixed(quantity),
    billableQuantity: formatFixed(billable),
    amountDecimal: formatFixed(exact),
    amount,
    breakdown: priced.map((p) => p.entry),
  };
}
