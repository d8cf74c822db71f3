// Benchmark: POST /api/v1/usage/projection for a customer with 20 priced metrics, through
// HTTP against `next start`, with GET /api/health measured in the same run as a baseline.
//
//   NEXT_DIST_DIR=.next-pricing npx next build          # once
//   SM_PG_PORT=54364 SM_PG_DATA=$PWD/.data/pg-pricing BENCH_PORT=3401 NEXT_DIST_DIR=.next-pricing \
//     npm run bench:projection
//
// BENCH_APP_DIR runs `next start` from another checkout (e.g. a `git archive HEAD` copy built
// there), so a build of the committed tree can be measured while the working tree changes.
//
// Knobs: BENCH_DURATION (s, default 15), BENCH_CONNECTIONS (default 4),
// BENCH_EVENTS_PER_METRIC (target customer, default 500), BENCH_NOISE_CUSTOMERS (default 50).
// Rate limiting is switched off in the server under test (RATE_LIMIT_RPS=0): this measures latency.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { createApiKey } from "../lib/auth/api-keys";
import { periodFor } from "../lib/billing/period";
import { getDb } from "../lib/db/client";
import { resolveDatabase } from "../lib/db/embedded";
import { migrateDatabase } from "../lib/db/migrate";
import { newId } from "../lib/ids";
import { calculatePrice } from "../lib/pricing/calculate-price";
import { ZPriceDefinition } from "../lib/pricing/price-schema";
import { createTenant } from "../lib/tenants/create-tenant";

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const PORT = Number(process.env.BENCH_PORT ?? 3401);
const DIST = process.env.NEXT_DIST_DIR ?? ".next-pricing";
const APP_DIR = path.resolve(process.env.BENCH_APP_DIR ?? ".");
const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const EVENTS_PER_METRIC = Number(process.env.BENCH_EVENTS_PER_METRIC ?? 500);
const NOISE_CUSTOMERS = Number(process.env.BENCH_NOISE_CUSTOMERS ?? 50);
const METRICS = 20;
const CUSTOMER = "cus_bench_projection";
const base = `http://127.0.0.1:${PORT}`;
const DAY = 24 * 60 * 60 * 1000;

/** 20 prices covering every model: per_unit, decimal, package, graduated, volume, flat fees. */
function priceFor(i: number, metric: string): Record<string, unknown> {
  switch (i % 5) {
    case 0:
      return { metric, currency: "usd", unit_amount: 2 };
    case 1:
      return { metric, currency: "usd", unit_amount_decimal: "0.0375" };
    case 2:
      return { metric, currency: "usd", unit_amount: 500, transform_quantity: { divide_by: 1000, round: "up" } };
    case 3:
      return {
        metric,
        currency: "usd",
        billing_scheme: "tiered",
        tiers_mode: "graduated",
        tiers: [
          { up_to: 1000, flat_amount: 2000 },
          { up_to: 10000, unit_amount_decimal: "0.5" },
          { up_to: 100000, unit_amount_decimal: "0.25", flat_amount: 100 },
          { up_to: "inf", unit_amount_decimal: "0.1" },
        ],
      };
    default:
      return {
        metric,
        currency: "usd",
        billing_scheme: "tiered",
        tiers_mode: "volume",
        tiers: [
          { up_to: 5000, unit_amount: 3 },
          { up_to: 50000, unit_amount: 2, flat_amount: 1000 },
          { up_to: "inf", unit_amount_decimal: "1.5" },
        ],
      };
  }
}

async function api<T>(method: string, url: string, key: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status} ${JSON.stringify(json)}`);
  return json as T;
}

async function waitForServer(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("next start did not answer /api/health within 60 s");
}

async function run(title: string, opts: Record<string, unknown>): Promise<AutocannonResult> {
  await autocannon({ ...opts, url: `${base}${opts.path}`, connections: CONNECTIONS, duration: 2 }); // warm-up
  const r = await autocannon({ ...opts, url: `${base}${opts.path}`, connections: CONNECTIONS, duration: DURATION });
  console.log(
    `${title.padEnd(34)} p50 ${String(r.latency.p50).padStart(4)} ms  p90 ${String(r.latency.p90).padStart(4)} ms  ` +
      `p99 ${String(r.latency.p99).padStart(4)} ms  max ${String(r.latency.max).padStart(4)} ms  ` +
      `${Math.round(r.requests.average)} req/s  (${r.requests.total} requests, non-2xx ${r.non2xx}, errors ${r.errors})`,
  );
  return r;
}

const database = await resolveDatabase((l) => console.log(`[db] ${l}`));
process.env.DATABASE_URL = database.url;
await migrateDatabase(database.url);
let server: ChildProcess | undefined;
try {
  const tenant = await createTenant({
    name: `Projection bench ${new Date().toISOString()}`,
    actor: { type: "system" },
  });
  const { key } = await createApiKey({
    tenantId: tenant.id,
    name: "bench",
    scopes: ["admin", "events:write", "usage:read"],
    actor: { type: "system" },
  });
  const now = Date.now();
  const anchor = new Date(now - 10 * DAY);
  await getDb().customer.create({
    data: { tenantId: tenant.id, id: newId("cst"), customerRef: CUSTOMER, billingAnchor: anchor },
  });
  await getDb().$disconnect();
  const period = periodFor(new Date(now), anchor);

  server = spawn(
    process.execPath,
    [path.join(APP_DIR, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(PORT)],
    {
      cwd: APP_DIR,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        NEXT_DIST_DIR: DIST,
        NODE_ENV: "production",
        RATE_LIMIT_RPS: "0",
        LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
        NEXTAUTH_SECRET: "bench-only-secret-0123456789abcdef",
        NEXTAUTH_URL: base,
      },
    },
  );
  await waitForServer(server);

  const metrics = Array.from({ length: METRICS }, (_, i) => `metric_${String(i).padStart(2, "0")}`);
  const prices = new Map<string, Record<string, unknown>>();
  for (const [i, metric] of metrics.entries()) {
    prices.set(metric, priceFor(i, metric));
    await api<unknown>("POST", "/api/v1/prices", key, prices.get(metric));
  }

  // Usage spread evenly over the 10 elapsed days, for the customer and for noise customers.
  const events: Array<Record<string, unknown>> = [];
  const span = now - 60_000 - period.start.getTime();
  for (const metric of metrics) {
    for (let e = 0; e < EVENTS_PER_METRIC; e++) {
      const ts = new Date(period.start.getTime() + Math.floor((span * (e + 0.5)) / EVENTS_PER_METRIC));
      events.push({ metric, customerRef: CUSTOMER, quantity: 1 + (e % 97), ts: ts.toISOString() });
    }
  }
  for (let c = 0; c < NOISE_CUSTOMERS; c++) {
    for (const metric of metrics) {
      for (let e = 0; e < 20; e++) {
        const ts = new Date(now - 60_000 - ((e * 7 + c) % 9) * DAY);
        events.push({ metric, customerRef: `cus_noise_${c}`, quantity: e + 1, ts: ts.toISOString() });
      }
    }
  }
  const ingestStart = performance.now();
  for (let i = 0; i < events.length; i += 1000) {
    const r = await api<{ accepted: number }>("POST", "/api/v1/events/ingest", key, {
      events: events.slice(i, i + 1000),
    });
    if (r.accepted !== Math.min(1000, events.length - i))
      throw new Error(`ingest refused events: ${JSON.stringify(r).slice(0, 500)}`);
  }
  console.log(
    `seeded ${events.length} events (${METRICS * EVENTS_PER_METRIC} for the projected customer) in ${Math.round(performance.now() - ingestStart)} ms`,
  );

  // The answer must be right before its speed matters: every line equals the engine's price.
  const projection = await api<{
    lineItems: Array<{ metric: string; quantity: string; amount: number | null }>;
    total: number;
    projectedTotal: number;
    currency: string;
  }>("POST", "/api/v1/usage/projection", key, { customerRef: CUSTOMER });
  let total = 0;
  for (const line of projection.lineItems) {
    const def = ZPriceDefinition.parse(
      Object.fromEntries(Object.entries(prices.get(line.metric)!).filter(([k]) => k !== "metric")),
    );
    const expected = calculatePrice(def, line.quantity).amount;
    if (line.amount !== expected) throw new Error(`${line.metric}: amount ${line.amount}, expected ${expected}`);
    total += expected;
  }
  if (projection.lineItems.length !== METRICS || projection.total !== total) {
    throw new Error(
      `projection has ${projection.lineItems.length} lines, total ${projection.total} (expected ${total})`,
    );
  }
  console.log(
    `projection checked: ${projection.lineItems.length} priced lines, total ${projection.total}, projectedTotal ${projection.projectedTotal} (${projection.currency})`,
  );

  // What the per-day rollups save: the ledger read a week of events would need, against
  // the read the projection does (today's events only), each timed on its own.
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query("ANALYZE events");
  const p50 = async (sql: string, args: unknown[]) => {
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await client.query(sql, args);
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[25].toFixed(2);
  };
  const ledgerSql = `SELECT metric, sum(quantity)::text, count(*)::text FROM events
     WHERE tenant_id = $1 AND customer_ref = $2 AND ts >= $3 GROUP BY metric`;
  const dayStart = new Date(Math.floor(Date.now() / DAY) * DAY);
  const weekStart = new Date(Math.max(period.start.getTime(), dayStart.getTime() - 7 * DAY));
  const weekEvents = (
    await client.query(
      "SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND customer_ref = $2 AND ts >= $3",
      [tenant.id, CUSTOMER, weekStart],
    )
  ).rows[0].n;
  const rollupRows = (
    await client.query(
      "SELECT count(*)::int AS n FROM usage_daily_rollups WHERE tenant_id = $1 AND customer_ref = $2",
      [tenant.id, CUSTOMER],
    )
  ).rows[0].n;
  console.log(
    `ledger read p50: trailing week ${await p50(ledgerSql, [tenant.id, CUSTOMER, weekStart])} ms (${weekEvents} events), ` +
      `today only ${await p50(ledgerSql, [tenant.id, CUSTOMER, dayStart])} ms; rollup rows: ${rollupRows}`,
  );
  await client.end();

  console.log(`\nautocannon: ${CONNECTIONS} connections, ${DURATION} s per run (after a 2 s warm-up)`);
  const health = await run("GET /api/health (baseline)", { path: "/api/health", method: "GET" });
  const proj = await run("POST /api/v1/usage/projection", {
    path: "/api/v1/usage/projection",
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ customerRef: CUSTOMER }),
  });
  const ok = proj.non2xx === 0 && proj.errors === 0 && proj.latency.p99 <= 15;
  console.log(
    `\nprojection p99 ${proj.latency.p99} ms (baseline p99 ${health.latency.p99} ms) — target ≤ 15 ms: ${ok ? "MET" : "NOT MET"}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  server?.kill("SIGTERM");
  await database.stop();
}
