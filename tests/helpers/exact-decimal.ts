import DecimalJs from "decimal.js";

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
