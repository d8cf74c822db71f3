import { currencyExponent } from "./currencies";
import { Decimal, type DecimalInput, decimalString, toDecimal } from "./decimal";
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

const ZERO = new Decimal(0);
const MINOR_TO_MAJOR = { 0: new Decimal(1), 2: new Decimal("0.01"), 3: new Decimal("0.001") } as const;

function dec(value: string | null): Decimal {
  return value === null ? ZERO : new Decimal(value);
}

/** "1234.5" minor units of usd -> "12.345 USD"; digits are never lost to a float. */
export function formatMinorUnits(minor: Decimal, currency: string): string {
  const exp = currencyExponent(currency);
  // Multiplying by 10^-exp is exact and far cheaper than a 120-digit division.
  const major = minor.mul(MINOR_TO_MAJOR[exp]);
  const fixed = major.decimalPlaces() < exp ? major.toFixed(exp) : major.toFixed();
  return `${fixed} ${currency.toUpperCase()}`;
}

function entry(
  currency: string,
  tier: number | null,
  from: Decimal,
  upTo: Decimal | null,
  quantity: Decimal,
  unit: Decimal,
  flat: Decimal,
): PriceBreakdownEntry {
  const amount = quantity.mul(unit).add(flat);
  const range =
    tier === null
      ? ""
      : upTo === null
        ? `Tier ${tier} (over ${from.toFixed()}): `
        : `Tier ${tier} (${from.toFixed()}–${upTo.toFixed()}]: `;
  const flatPart = flat.isZero() ? "" : ` + ${formatMinorUnits(flat, currency)} flat`;
  return {
    tier,
    from: decimalString(from),
    upTo: upTo === null ? null : decimalString(upTo),
    quantity: decimalString(quantity),
    unitAmountDecimal: decimalString(unit),
    flatAmountDecimal: decimalString(flat),
    amountDecimal: decimalString(amount),
    label: `${range}${decimalString(quantity)} × ${formatMinorUnits(unit, currency)}${flatPart} = ${formatMinorUnits(amount, currency)}`,
  };
}

function upperBound(t: PriceTier): Decimal | null {
  return t.up_to === "inf" ? null : new Decimal(t.up_to);
}

function graduated(def: PriceDefinition, tiers: PriceTier[], q: Decimal): PriceBreakdownEntry[] {
  const out: PriceBreakdownEntry[] = [];
  let lower = ZERO;
  for (let i = 0; i < tiers.length; i++) {
    // A later tier is reached only by usage beyond the previous bound.
    if (i > 0 && q.lte(lower)) break;
    const upper = upperBound(tiers[i]);
    const top = upper === null ? q : Decimal.min(q, upper);
    const units = Decimal.max(top.sub(lower), ZERO);
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

function volume(def: PriceDefinition, tiers: PriceTier[], q: Decimal): PriceBreakdownEntry[] {
  let lower = ZERO;
  for (let i = 0; i < tiers.length; i++) {
    const upper = upperBound(tiers[i]);
    if (upper === null || q.lte(upper)) {
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
export function billableQuantity(def: PriceDefinition, quantity: Decimal): Decimal {
  const t = def.transform_quantity;
  if (!t) return quantity;
  const packages = quantity.div(t.divide_by);
  return t.round === "up" ? packages.ceil() : packages.floor();
}

/** The amount Stripe would invoice for `quantity` units of a price, with its breakdown. */
export function calculatePrice(def: PriceDefinition, quantityInput: DecimalInput): PriceCalculation {
  const quantity = toDecimal(quantityInput);
  if (!quantity.isFinite() || quantity.isNegative()) {
    throw new PricingError("quantity must be a finite decimal ≥ 0");
  }
  let breakdown: PriceBreakdownEntry[];
  let billable = quantity;
  if (def.billing_scheme === "per_unit") {
    billable = billableQuantity(def, quantity);
    breakdown = [entry(def.currency, null, ZERO, null, billable, dec(def.unit_amount_decimal), ZERO)];
  } else if (def.tiers_mode === "graduated") {
    breakdown = graduated(def, def.tiers ?? [], quantity);
  } else {
    breakdown = volume(def, def.tiers ?? [], quantity);
  }
  const exact = breakdown.reduce((sum, e) => sum.add(e.amountDecimal), ZERO);
  const rounded = exact.toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  if (rounded.gt(Number.MAX_SAFE_INTEGER)) {
    throw new PricingError("amount exceeds the largest integer amount that can be represented exactly");
  }
  return {
    currency: def.currency,
    quantity: decimalString(quantity),
    billableQuantity: decimalString(billable),
    amountDecimal: decimalString(exact),
    amount: rounded.toNumber(),
    breakdown,
  };
}
