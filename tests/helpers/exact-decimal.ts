import DecimalJs from "decimal.js";
import type { PriceDefinition } from "@/lib/pricing/price-schema";

// An independent exact-decimal oracle for the pricing and forecast tests: decimal.js at 120
// significant digits (exact for every product and sum these tests form), checked against
// lib/pricing/fixed.ts, which the product uses.
export const Decimal = DecimalJs.clone({
  precision: 120,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -100,
  toExpPos: 100,
});
export type Decimal = InstanceType<typeof Decimal>;

/**
 * Stripe's pricing rules written out independently with decimal.js: the exact line amount
 * and the quantity/amount of each tier (one part for per_unit and volume prices). The
 * pricing tests hold lib/pricing against it; bench/pricing.ts uses it as its baseline.
 */
export function referencePrice(
  def: PriceDefinition,
  q: string,
): { exact: Decimal; rounded: Decimal; parts: Array<{ units: Decimal; amount: Decimal }> } {
  const quantity = new Decimal(q);
  const dec = (s: string | null) => new Decimal(s ?? 0);
  const parts: Array<{ units: Decimal; amount: Decimal }> = [];
  if (def.billing_scheme === "per_unit") {
    const t = def.transform_quantity;
    const packages = t ? quantity.div(t.divide_by) : quantity;
    const units = !t ? packages : t.round === "up" ? packages.ceil() : packages.floor();
    parts.push({ units, amount: units.mul(dec(def.unit_amount_decimal)) });
  } else {
    let lower = new Decimal(0);
    for (const [i, tier] of (def.tiers ?? []).entries()) {
      const upper = tier.up_to === "inf" ? null : new Decimal(tier.up_to);
      const rate = dec(tier.unit_amount_decimal);
      const flat = dec(tier.flat_amount_decimal);
      if (def.tiers_mode === "volume") {
        if (upper === null || quantity.lte(upper)) {
          parts.push({ units: quantity, amount: quantity.mul(rate).add(flat) });
          break;
        }
      } else {
        if (i > 0 && quantity.lte(lower)) break;
        const units = Decimal.max(Decimal.min(quantity, upper ?? quantity).sub(lower), 0);
        parts.push({ units, amount: units.mul(rate).add(flat) });
        if (upper === null) break;
      }
      lower = upper ?? lower;
    }
  }
  const exact = parts.reduce((sum, p) => sum.add(p.amount), new Decimal(0));
  return { exact, rounded: exact.toDecimalPlaces(0, Decimal.ROUND_HALF_UP), parts };
}
