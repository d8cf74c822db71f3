// Pricing micro-benchmark: `npm run bench:pricing`. The CPU a projection of 20 priced metrics
// (the prices of bench/projection.ts) spends in lib/pricing and the forecast, in process, no
// HTTP, no database. Baseline in the same run: the same 40 line amounts computed by the
// decimal.js reference of Stripe's rules that the pricing tests use as their oracle
// (tests/helpers/exact-decimal.ts) — amounts only, no breakdown labels, so it does less work
// than the engine.
//
// Env: BENCH_ITERATIONS (default 3000 projections per measurement), BENCH_REPEATS (default 5;
// the median is reported).
import { calculatePrice } from "../lib/pricing/calculate-price";
import { type Fixed, formatFixed, parseFixed } from "../lib/pricing/fixed";
import { type PriceDefinition, ZPriceDefinition } from "../lib/pricing/price-schema";
import { forecastClock, forecastQuantity } from "../lib/projection/forecast-quantity";
import { referencePrice } from "../tests/helpers/exact-decimal";
import { benchPriceFields } from "./support";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 3000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const METRICS = 20;

const defs: PriceDefinition[] = Array.from({ length: METRICS }, (_, i) => ZPriceDefinition.parse(benchPriceFields(i)));
// Mid-period usage of the sizes the projection benchmark produces (tiers are crossed).
const usage = Array.from({ length: METRICS }, (_, i) => `${1234 + i * 7919}.25`);
const trailing = Array.from({ length: METRICS }, (_, i) => `${400 + i * 2011}.5`);
const period = { start: new Date("2026-11-01T00:00:00Z"), end: new Date("2026-12-01T00:00:00Z") };
const now = new Date("2026-11-11T13:37:00Z");

/** Metric i's projected quantity, as lib/projection forecasts it. */
function forecast(i: number, value: Fixed, clock: ReturnType<typeof forecastClock>): Fixed {
  return forecastQuantity({ aggregation: "sum", value, trailingQuantity: parseFixed(trailing[i]), period, now, clock })
    .projectedQuantity;
}

/** What lib/projection does per projection: forecast each metric, price usage and forecast. */
function engine(): number {
  const clock = forecastClock(period, now);
  let total = 0;
  for (let i = 0; i < METRICS; i++) {
    const value = parseFixed(usage[i]);
    total += calculatePrice(defs[i], value).amount + calculatePrice(defs[i], forecast(i, value, clock)).amount;
  }
  return total;
}

/** The baseline: decimal.js amounts for the same 40 lines (the engine's projected quantities). */
const baselineClock = forecastClock(period, now);
const projectedText = usage.map((u, i) => formatFixed(forecast(i, parseFixed(u), baselineClock)));
function reference(): number {
  let total = 0;
  for (let i = 0; i < METRICS; i++) {
    total += referencePrice(defs[i], usage[i]).rounded.toNumber();
    total += referencePrice(defs[i], projectedText[i]).rounded.toNumber();
  }
  return total;
}

function measure(fn: () => number): { usPerProjection: number; checksum: number } {
  const runs: number[] = [];
  let checksum = 0;
  for (let r = 0; r < REPEATS; r++) {
    const t = performance.now();
    for (let i = 0; i < ITERATIONS; i++) checksum = fn();
    runs.push(((performance.now() - t) * 1000) / ITERATIONS);
  }
  runs.sort((a, b) => a - b);
  return { usPerProjection: Math.round(runs[Math.floor(runs.length / 2)]), checksum };
}

// Warm both paths up (JIT) before measuring either.
for (let i = 0; i < 500; i++) {
  engine();
  reference();
}
const e = measure(engine);
const b = measure(reference);
if (e.checksum !== b.checksum) throw new Error(`engine and reference disagree: ${e.checksum} vs ${b.checksum}`);
console.log(
  [
    `pricing + forecast of ${METRICS} metrics (40 priced lines with breakdowns and labels, 20 forecasts): ${e.usPerProjection} µs per projection`,
    `baseline, decimal.js reference of the same 40 amounts (no labels, no forecast): ${b.usPerProjection} µs per projection`,
    `engine / baseline: ${(e.usPerProjection / b.usPerProjection).toFixed(2)}× (same totals: ${e.checksum} minor units)`,
  ].join("\n"),
);
