import DecimalJs from "decimal.js";

// decimal.js defaults to 20 significant digits, which is not enough for a numeric(38,6)
// quantity times a unit amount with 12 decimals: billing math must never round silently.
// 120 digits keeps every product and sum in this module exact.
export const Decimal = DecimalJs.clone({
  precision: 120,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -100,
  toExpPos: 100,
});
export type Decimal = InstanceType<typeof Decimal>;

export type DecimalInput = string | number | Decimal | { toString(): string };

export function toDecimal(value: DecimalInput): Decimal {
  if (value instanceof Decimal) return value;
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new TypeError("Only safe integers may be passed as numbers; pass fractional values as decimal strings");
  }
  return new Decimal(typeof value === "number" ? value : value.toString());
}

/** Canonical decimal string: no exponent, no trailing zeros ("105.50" -> "105.5"). */
export function decimalString(value: Decimal): string {
  return value.toFixed();
}
