// Stripe amounts are integers in the currency's smallest unit. Most currencies have two
// decimals; these are Stripe's zero- and three-decimal currencies
// (https://docs.stripe.com/currencies#zero-decimal, #three-decimal). The exponent only
// matters for display: every amount in this module is already in minor units.
const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

/** Number of decimals between the minor unit Stripe uses and the major unit. */
export function currencyExponent(currency: string): 0 | 2 | 3 {
  const c = currency.toLowerCase();
  if (ZERO_DECIMAL.has(c)) return 0;
  if (THREE_DECIMAL.has(c)) return 3;
  return 2;
}

export function isZeroDecimalCurrency(currency: string): boolean {
  return currencyExponent(currency) === 0;
}
