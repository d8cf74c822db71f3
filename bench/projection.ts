// Benchmark: POST /api/v1/usage/projection for a customer with 20 priced metrics, through
// HTTP against `next start`, with GET /api/health measured in the same run as a baseline.
//
//   NEXT_DIST_DIR=.next-bench npx next build          # once (the ingest bench uses the same build)
//   npm run bench:projection
//
// Load shapes (bench/support.ts): open loop at BENCH_RATES (default 50,100) requests/s — one
// request every 1/rate s, latency counted from each request's due time — then one client
// sending requests back to back, then BENCH_CONNECTIONS clients (saturation, capacity).
// Each run reports CPU ms per request of the server, Postgres and the load generator.
//
// Env: SM_PG_PORT (default 54364; an embedded Postgres there is reused or started), BENCH_PORT
// (default 3401), NEXT_DIST_DIR (default .next-bench), BENCH_APP_DIR (run `next start` from
// another checkout), BENCH_DURATION (s, default 15), BENCH_CONNECTIONS (default 4),
// BENCH_EVENTS_PER_METRIC (target customer, default 500), BENCH_NOISE_CUSTOMERS (default 50),
// BENCH_CLIENT=node-http (pace with Node's http client instead of bench/http-client.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createApiKey } from "../lib/auth/api-keys";
import { periodFor } from "../lib/billing/period";
import { getDb } from "../lib/db/client";
import { newId } from "../lib/ids";
import { calculatePrice } from "../lib/pricing/calculate-price";
import { ZPriceDefinition } from "../lib/pricing/price-schema";
import { createTenant } from "../lib/tenants/create-tenant";
import {
  benchPriceFields,
  type CpuPerRequest,
  formatCpu,
  type LoadResult,
  type NextServer,
  paced,
  type RequestSpec,
  saturate,
  startBenchDatabase,
  startNextServer,
  waitForQuietMachine,
  withCpu,
} from "./support";

const PG_PORT = Number(process.env.SM_PG_PORT ?? 54364);
const PORT = Number(process.env.BENCH_PORT ?? 3401);
const DIST = process.env.NEXT_DIST_DIR ?? ".next-bench";
const APP_DIR = process.env.BENCH_APP_DIR;
const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const RATES = (process.env.BENCH_RATES ?? "50,100").split(",").map(Number);
const EVENTS_PER_METRIC = Number(process.env.BENCH_EVENTS_PER_METRIC ?? 500);
const NOISE_CUSTOMERS = Number(process.env.BENCH_NOISE_CUSTOMERS ?? 50);
const METRICS = 20;
const CUSTOMER = "cus_bench_projection";
const DAY = 24 * 60 * 60 * 1000;
let base = "";

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

function line(title: string, r: LoadResult & CpuPerRequest): string {
  return (
    `${title.padEnd(52)} p50 ${r.p50} ms  p90 ${r.p90} ms  p99 ${r.p99} ms  max ${r.max} ms  ` +
    `${Math.round(r.reqPerSec)} req/s (${r.requests} requests, non-2xx ${r.non2xx}, errors ${r.errors})${formatCpu(r)}`
  );
}

const database = await startBenchDatabase(PG_PORT, "stripemeter_bench_projection");
process.env.DATABASE_URL = database.url;
let server: NextServer | undefined;
const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  cpus: os.cpus().length,
  loadAverageAtStart: os.loadavg(),
};
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

  server = await startNextServer({ port: PORT, distDir: DIST, databaseUrl: database.url, appDir: APP_DIR });
  base = server.base;

  const metrics = Array.from({ length: METRICS }, (_, i) => `metric_${String(i).padStart(2, "0")}`);
  const prices = new Map<string, Record<string, unknown>>();
  for (const [i, metric] of metrics.entries()) {
    prices.set(metric, { metric, ...benchPriceFields(i) });
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

  const pid = server.child.pid;
  const health: RequestSpec = { url: `${base}/api/health`, method: "GET" };
  const projectionSpec: RequestSpec = {
    url: `${base}/api/v1/usage/projection`,
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    bodies: [JSON.stringify({ customerRef: CUSTOMER })],
  };
  results.quietWait = await waitForQuietMachine();
  await saturate(projectionSpec, CONNECTIONS, 3); // warm-up
  const summary: string[] = [];
  for (const rate of RATES) {
    await paced(health, rate, 3);
    const h = await withCpu(pid, () => paced(health, rate, DURATION));
    await paced(projectionSpec, rate, 3);
    const p = await withCpu(pid, () => paced(projectionSpec, rate, DURATION));
    results[`health${rate}`] = h;
    results[`projection${rate}`] = p;
    summary.push(line(`GET /api/health at ${rate} req/s (baseline)`, h));
    summary.push(
      line(`POST /usage/projection at ${rate} req/s`, p) +
        ` [target p99 ≤ 15 ms] ${p.p99 <= 15 && p.non2xx === 0 && p.errors === 0 ? "PASS" : "MISS"}`,
    );
  }
  const one = await withCpu(pid, () => saturate(projectionSpec, 1, DURATION));
  results.projectionOneClient = one;
  summary.push(line("POST /usage/projection, 1 client back to back", one));
  const max = await withCpu(pid, () => saturate(projectionSpec, CONNECTIONS, DURATION));
  results.projectionSaturated = max;
  summary.push(line(`POST /usage/projection, ${CONNECTIONS} clients (saturation)`, max));
  console.log(
    `\nmachine: ${os.cpus().length} CPUs, load average at start ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  console.log(summary.join("\n"));
  mkdirSync("bench/results", { recursive: true });
  const file = path.join("bench/results", `projection-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ ...results, summary }, null, 2));
  console.log(`results: ${file}`);
} finally {
  await server?.stop();
  await getDb().$disconnect();
  await database.stop();
}
