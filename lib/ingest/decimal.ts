import Decimal from "decimal.js";

// Quantities are numeric(38, 6): 38 significant digits. decimal.js defaults to 20, which
// would silently round large sums, so ingest and counters use their own configured clone.
export const Dec = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 60 });
export type Dec = InstanceType<typeof Dec>;
