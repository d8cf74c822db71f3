// Exact decimal quantities (≤ 6 decimals, API.md) as integer millionths, for sums that
// run once per ingested event: BigInt addition is exact and far cheaper than a decimal
// object per event. Strings are the normalized form from `normalizeQuantity`
// ("12.5", "100", "0.000001"), or an adjustment delta that may carry a leading "-".

const SCALE = 6;
const SCALE_N = 1_000_000n;

/** "12.5" → 12_500_000n; "-0.000001" → -1n. Throws on more than 6 decimals (never silently rounds). */
export function toMicros(value: string): bigint {
  const negative = value.startsWith("-");
  const body = negative ? value.slice(1) : value;
  const dot = body.indexOf(".");
  const whole = dot === -1 ? body : body.slice(0, dot);
  const fraction = dot === -1 ? "" : body.slice(dot + 1);
  if (fraction.length > SCALE || !/^\d+$/.test(whole) || !/^\d*$/.test(fraction)) {
    throw new Error(`not a decimal with at most ${SCALE} places: ${value}`);
  }
  const micros = BigInt(whole) * SCALE_N + BigInt(fraction.padEnd(SCALE, "0") || "0");
  return negative ? -micros : micros;
}

/** 12_500_000n → "12.5"; 0n → "0"; -1n → "-0.000001". */
export function formatMicros(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / SCALE_N;
  const fraction = (abs % SCALE_N).toString().padStart(SCALE, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}
