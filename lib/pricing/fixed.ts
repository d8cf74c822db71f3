// Exact decimals for money math: a BigInt count of 10^-scale units. Every sum, difference
// and product is exact (no precision setting to get wrong); a quotient exists only as
// `divRound`, rounded to a stated number of places. Billing math never sees a float.
//
// Why not decimal.js: a projection prices 20 metrics twice and forecasts each, and decimal.js
// (parsing, 120-digit context, toFixed) cost about 1 ms of that request's ~5 ms of server CPU
// (docs/pricing.md, "Benchmark"); BigInt arithmetic on these small magnitudes is ~10× cheaper.

/** units × 10^-scale, scale ≥ 0. Immutable; build with `parseFixed` or `fixed`. */
export interface Fixed {
  readonly units: bigint;
  readonly scale: number;
}

const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  for (let i = POW10.length; i <= n; i++) POW10.push(POW10[i - 1] * 10n);
  return POW10[n];
}

export function fixed(units: bigint | number, scale = 0): Fixed {
  if (typeof units === "number" && !Number.isSafeInteger(units)) {
    throw new TypeError("Only safe integers may be passed as numbers; pass fractional values as decimal strings");
  }
  return { units: BigInt(units), scale };
}

export const ZERO: Fixed = fixed(0n);

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** "-12.340", "5", ".5", "1e-7" → exact value. Throws on anything else (no NaN, no Infinity). */
export function parseFixed(text: string): Fixed {
  const m = DECIMAL.exec(text.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new SyntaxError(`not a decimal number: "${text}"`);
  const fraction = m[3] ?? "";
  let units = BigInt(`${m[2] || "0"}${fraction}`);
  let scale = fraction.length - (m[4] === undefined ? 0 : Number(m[4]));
  if (!Number.isSafeInteger(scale) || Math.abs(scale) > 1000) throw new RangeError(`exponent out of range: "${text}"`);
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  return { units: m[1] === "-" ? -units : units, scale };
}

/** A decimal string, a safe integer, or a value already parsed. */
export type FixedInput = string | number | Fixed;

export function toFixed(value: FixedInput): Fixed {
  if (typeof value === "number") return fixed(value);
  if (typeof value === "string") return parseFixed(value);
  return value;
}

function atScale(x: Fixed, scale: number): bigint {
  return x.scale === scale ? x.units : x.units * pow10(scale - x.scale);
}

export function add(a: Fixed, b: Fixed): Fixed {
  const scale = Math.max(a.scale, b.scale);
  return { units: atScale(a, scale) + atScale(b, scale), scale };
}

export function sub(a: Fixed, b: Fixed): Fixed {
  const scale = Math.max(a.scale, b.scale);
  return { units: atScale(a, scale) - atScale(b, scale), scale };
}

export function mul(a: Fixed, b: Fixed): Fixed {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** -1, 0 or 1 as a < b, a = b, a > b. */
export function cmp(a: Fixed, b: Fixed): number {
  const scale = Math.max(a.scale, b.scale);
  const x = atScale(a, scale);
  const y = atScale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const max = (a: Fixed, b: Fixed): Fixed => (cmp(a, b) >= 0 ? a : b);
export const min = (a: Fixed, b: Fixed): Fixed => (cmp(a, b) <= 0 ? a : b);
export const isZero = (x: Fixed): boolean => x.units === 0n;
export const isNegative = (x: Fixed): boolean => x.units < 0n;

/** n ÷ d rounded half away from zero (ROUND_HALF_UP, as Stripe rounds line amounts). */
function divHalfUp(n: bigint, d: bigint): bigint {
  if (d < 0n) return divHalfUp(-n, -d);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const q = (abs * 2n + d) / (2n * d);
  return negative ? -q : q;
}

/** x rounded to `places` decimals, halves away from zero (1.5 → 2, -1.5 → -2). */
export function roundHalfUp(x: Fixed, places: number): Fixed {
  if (x.scale <= places) return x;
  return { units: divHalfUp(x.units, pow10(x.scale - places)), scale: places };
}

/** The exact quotient n ÷ d rounded to `places` decimals, halves away from zero. */
export function divRound(n: Fixed, d: Fixed, places: number): Fixed {
  if (d.units === 0n) throw new RangeError("division by zero");
  // n/d = (n.units · 10^d.scale) / (d.units · 10^n.scale); scaled by 10^places.
  const num = n.units * pow10(d.scale + places);
  const den = d.units * pow10(n.scale);
  return { units: divHalfUp(num, den), scale: places };
}

/** ⌊n ÷ d⌋ or ⌈n ÷ d⌉ as a whole number (package pricing). */
export function divToInteger(n: Fixed, d: Fixed, round: "up" | "down"): Fixed {
  if (d.units === 0n) throw new RangeError("division by zero");
  let num = n.units * pow10(d.scale);
  let den = d.units * pow10(n.scale);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  let q = num / den; // truncates toward zero
  const exact = q * den === num;
  if (!exact && round === "up" && num > 0n) q += 1n;
  if (!exact && round === "down" && num < 0n) q -= 1n;
  return { units: q, scale: 0 };
}

/** Whether x has no fractional part. */
export function isInteger(x: Fixed): boolean {
  return x.scale === 0 || x.units % pow10(x.scale) === 0n;
}

/** The value as a JS number when it is an integer within ±2^53 − 1, else null. */
export function toSafeInteger(x: Fixed): number | null {
  if (!isInteger(x)) return null;
  const n = x.scale === 0 ? x.units : x.units / pow10(x.scale);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;
}

/**
 * Plain notation with at least `minPlaces` decimals and no trailing zeros beyond them:
 * ("105.50", 0) → "105.5", ("8", 2) → "8.00", ("0.125", 2) → "0.125". Never an exponent, never "-0".
 */
export function formatFixed(x: Fixed, minPlaces = 0): string {
  const negative = x.units < 0n;
  const digits = (negative ? -x.units : x.units).toString().padStart(x.scale + 1, "0");
  const whole = digits.slice(0, digits.length - x.scale);
  let fraction = digits.slice(digits.length - x.scale);
  let end = fraction.length;
  while (end > minPlaces && fraction.charCodeAt(end - 1) === 48) end--;
  fraction = fraction.slice(0, end).padEnd(minPlaces, "0");
  const body = fraction ? `${whole}.${fraction}` : whole;
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}
