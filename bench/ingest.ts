// Ingest benchmark (issue 3): `npm run bench:ingest`.
// Against `next start` (build first: NEXT_DIST_DIR=.next-bench npx next build), autocannon on
// the same machine, with a raw-Postgres baseline measured in the same run. Prints a summary
// and writes bench/results/ingest-<time>.json.
//
// Env: SM_PG_PORT (default 54362) — an embedded Postgres there is reused or started;
//      BENCH_PORT (default 3201), NEXT_DIST_DIR (default .next-bench),
//      BENCH_SECONDS (default 15), BENCH_LEDGER_ROWS (default 5000000), BENCH_CONNECTIONS (default 4).
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createApiKey } from "../lib/auth/api-keys";
import { getDb } from "../lib/db/client";
import { embeddedUrl, startEmbeddedPostgres } from "../lib/db/embedded";
import { migrateDatabase } from "../lib/db/migrate";
import { createTenant } from "../lib/tenants/create-tenant";

const PG_PORT = Number(process.env.SM_PG_PORT ?? 54362);
const HTTP_PORT = Number(process.env.BENCH_PORT ?? 3201);
const DIST_DIR = process.env.NEXT_DIST_DIR ?? ".next-bench";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const LEDGER_ROWS = Number(process.env.BENCH_LEDGER_ROWS ?? 5_000_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const BATCH = 500;
const DB_NAME = "stripemeter_bench";
const base = `http://127.0.0.1:${HTTP_PORT}`;

// autocannon ships no types; this is the part of its API the bench uses.
interface CannonResult {
  requests: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  latency: { p50: number; p99: number };
}
type Autocannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

async function startDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  let stop = async () => {};
  let admin = new pg.Client({ connectionString: embeddedUrl(PG_PORT, "postgres") });
  try {
    await admin.connect();
  } catch {
    admin = new pg.Client({ connectionString: embeddedUrl(PG_PORT, "postgres") });
    const dataDir = path.resolve(process.env.SM_PG_DATA ?? path.join(".data", `pg-bench-${PG_PORT}`));
    log(`starting embedded Postgres on ${PG_PORT} (${dataDir})`);
    const started = await startEmbeddedPostgres({ port: PG_PORT, dataDir, database: "postgres" });
    stop = started.stop;
    await admin.connect();
  }
  await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB_NAME}`);
  await admin.end();
  const url = embeddedUrl(PG_PORT, DB_NAME);
  await migrateDatabase(url);
  return { url, stop };
}

async function startServer(url: string): Promise<ChildProcess> {
  const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(HTTP_PORT)], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      NEXT_DIST_DIR: DIST_DIR,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      NEXTAUTH_SECRET: "bench-secret-0123456789abcdef0123456789",
      NEXTAUTH_URL: base,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill("SIGKILL");
  throw new Error("next start did not come up");
}

let seq = 0;
function makeEvents(n: number, customers: number, tsMs: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, () => {
    const i = seq++;
    return {
      metric: i % 5 === 0 ? "storage_gb" : "api_calls",
      customerRef: `cus_${i % customers}`,
      quantity: (i % 17) + 1,
      ts: new Date(tsMs - (i % 3_600_000)).toISOString(),
      idempotencyKey: `bench_${process.pid}_${i}`,
      resourceId: `proj_${i % 7}`,
      meta: { endpoint: "/v1/search" },
    };
  });
}

interface RunResult {
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
  reqPerSec: number;
  p50: number;
  p99: number;
}

async function cannon(opts: {
  method: "POST" | "GET";
  path: string;
  key: string;
  bodies?: string[];
  connections: number;
  seconds: number;
  overallRate?: number;
}): Promise<RunResult> {
  let i = 0;
  const result = await autocannon({
    url: `${base}${opts.path}`,
    connections: opts.connections,
    duration: opts.seconds,
    overallRate: opts.overallRate,
    headers: { authorization: `Bearer ${opts.key}`, "content-type": "application/json" },
    requests: [
      {
        method: opts.method,
        setupRequest: (req: Record<string, unknown>) =>
          opts.bodies ? { ...req, body: opts.bodies[i++ % opts.bodies.length] } : req,
      },
    ],
  });
  const requests = result.requests.total;
  return {
    requests,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    reqPerSec: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

async function batchedIngest(key: string, label: string): Promise<{ eventsPerSec: number; run: RunResult }> {
  const now = Date.now();
  // Enough distinct bodies that no event repeats: every acknowledged event is a new row.
  const expected = Math.ceil((SECONDS * 60_000) / BATCH) + 50;
  const bodies = Array.from({ length: expected }, () => JSON.stringify({ events: makeEvents(BATCH, 200, now) }));
  log(`${label}: batched ingest, ${BATCH} events/request, ${CONNECTIONS} connections, ${SECONDS}s`);
  const run = await cannon({
    method: "POST",
    path: "/api/v1/events/ingest",
    key,
    bodies,
    connections: CONNECTIONS,
    seconds: SECONDS,
  });
  const ok = run.requests - run.non2xx;
  if (ok >= bodies.length) throw new Error("bench ran out of distinct bodies; raise the pool");
  return { eventsPerSec: (ok * BATCH) / run.seconds, run };
}

/** The same rows, multi-row INSERT … ON CONFLICT DO NOTHING into a copy of `events` with the same indexes. */
async function rawBaseline(url: string): Promise<{ rowsPerSec: number; statements: number }> {
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query("DROP TABLE IF EXISTS bench_events");
  await setup.query("CREATE TABLE bench_events (LIKE events INCLUDING ALL)");
  await setup.end();
  const now = Date.now();
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  const until = Date.now() + SECONDS * 1000;
  let rows = 0;
  let statements = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < until) {
        const events = makeEvents(BATCH, 200, now);
        const r = await pool.query(
          `INSERT INTO bench_events (tenant_id, idempotency_key, metric, customer_ref, quantity, ts, resource_id, meta,
             payload_hash, period_start)
           SELECT 'ten_bench', u.k, u.m, u.c, u.q, u.t, u.r, u.mt, u.h, date_trunc('month', u.t)
           FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::timestamptz[], $6::text[], $7::jsonb[], $8::text[])
             AS u(k, m, c, q, t, r, mt, h)
           ON CONFLICT (tenant_id, idempotency_key) DO NOTHING`,
          [
            events.map((e) => e.idempotencyKey),
            events.map((e) => e.metric),
            events.map((e) => e.customerRef),
            events.map((e) => String(e.quantity)),
            events.map((e) => e.ts),
            events.map((e) => e.resourceId),
            events.map((e) => JSON.stringify(e.meta)),
            events.map((e) => createHash("sha256").update(JSON.stringify(e)).digest("base64url")),
          ],
        );
        rows += r.rowCount ?? 0;
        statements++;
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  await pool.end();
  return { rowsPerSec: rows / seconds, statements };
}

/** Fills the ledger (and matching counters) with generated rows for other customers. */
async function loadLedger(url: string, tenantId: string, rows: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  const monthStart = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)).toISOString();
  const chunk = 1_000_000;
  for (let from = 1; from <= rows; from += chunk) {
    const to = Math.min(rows, from + chunk - 1);
    await client.query(
      `INSERT INTO events (tenant_id, idempotency_key, metric, customer_ref, quantity, ts, resource_id, payload_hash,
         period_start)
       SELECT $1, 'load_' || g, 'api_calls', 'load_cus_' || (g % 5000), (g % 13) + 1,
         $2::timestamptz + ((g % 2000000) * interval '1 second'), 'proj_' || (g % 11), md5(g::text), $2::timestamptz
       FROM generate_series($3::bigint, $4::bigint) AS g`,
      [tenantId, monthStart, from, to],
    );
    log(`  loaded ${to.toLocaleString()} rows`);
  }
  await client.query(
    `INSERT INTO customers (tenant_id, id, customer_ref)
     SELECT $1, 'cst_load_' || g, 'load_cus_' || g FROM generate_series(0, 4999) AS g
     ON CONFLICT (tenant_id, customer_ref) DO NOTHING`,
    [tenantId],
  );
  await client.query(
    `INSERT INTO counters (tenant_id, meter_id, customer_ref, period_start, period_end, value, event_count)
     SELECT e.tenant_id, m.id, e.customer_ref, e.period_start, e.period_start + interval '1 month', sum(e.quantity), count(*)
     FROM events e JOIN meters m ON m.tenant_id = e.tenant_id AND m.metric = e.metric
     WHERE e.tenant_id = $1 AND e.customer_ref LIKE 'load_cus_%'
     GROUP BY e.tenant_id, m.id, e.customer_ref, e.period_start`,
    [tenantId],
  );
  await client.query("VACUUM ANALYZE events");
  await client.query("VACUUM ANALYZE counters");
  await client.end();
  return (Date.now() - started) / 1000;
}

async function ledgerCount(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const r = await c.query<{ n: string }>("SELECT count(*)::text AS n FROM events");
  await c.end();
  return Number(r.rows[0].n);
}

const db = await startDatabase();
process.env.DATABASE_URL = db.url;
const tenant = await createTenant({ name: "Bench", actor: { type: "system" } });
const key = (
  await createApiKey({
    tenantId: tenant.id,
    name: "bench",
    scopes: ["events:write", "usage:read"],
    actor: { type: "system" },
  })
).key;
const server = await startServer(db.url);
const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  seconds: SECONDS,
  connections: CONNECTIONS,
  cpus: os.cpus().length,
  loadAverageAtStart: os.loadavg(),
};
try {
  log("warm-up");
  await cannon({
    method: "POST",
    path: "/api/v1/events/ingest",
    key,
    bodies: Array.from({ length: 200 }, () => JSON.stringify({ events: makeEvents(BATCH, 200, Date.now()) })),
    connections: CONNECTIONS,
    seconds: 5,
  });

  const empty = await batchedIngest(key, "empty ledger");
  const baseline = await rawBaseline(db.url);
  results.batchedEmpty = { eventsPerSec: Math.round(empty.eventsPerSec), ...empty.run };
  results.rawBaseline = { rowsPerSec: Math.round(baseline.rowsPerSec), statements: baseline.statements };
  results.percentOfBaseline = Math.round((100 * empty.eventsPerSec) / baseline.rowsPerSec);

  log("reference: GET /api/health (no database) at 200 req/s");
  results.health200 = await cannon({
    method: "GET",
    path: "/api/health",
    key,
    connections: 10,
    seconds: Math.min(SECONDS, 10),
    overallRate: 200,
  });

  log("single-event requests at 200 req/s");
  const singles = Array.from({ length: 200 * SECONDS + 500 }, () =>
    JSON.stringify({ events: makeEvents(1, 200, Date.now()) }),
  );
  results.single200 = await cannon({
    method: "POST",
    path: "/api/v1/events/ingest",
    key,
    bodies: singles,
    connections: 10,
    seconds: SECONDS,
    overallRate: 200,
  });

  const before = await ledgerCount(db.url);
  log(
    `loading ${LEDGER_ROWS.toLocaleString()} ledger rows with generate_series (ledger has ${before.toLocaleString()})`,
  );
  results.loadSeconds = await loadLedger(db.url, tenant.id, LEDGER_ROWS);
  results.ledgerRows = await ledgerCount(db.url);

  log("GET /usage/current with the full ledger");
  results.usageCurrent200 = await cannon({
    method: "GET",
    path: "/api/v1/usage/current?customerRef=load_cus_42",
    key,
    connections: 10,
    seconds: SECONDS,
    overallRate: 200,
  });
  results.usageCurrentMax = await cannon({
    method: "GET",
    path: "/api/v1/usage/current?customerRef=load_cus_42",
    key,
    connections: CONNECTIONS,
    seconds: SECONDS,
  });

  const full = await batchedIngest(key, "full ledger");
  results.batchedFull = { eventsPerSec: Math.round(full.eventsPerSec), ...full.run };
  results.fullVsEmptyPercent = Math.round((100 * full.eventsPerSec) / empty.eventsPerSec);
  results.finalLedgerRows = await ledgerCount(db.url);
} finally {
  server.kill("SIGTERM");
  await getDb().$disconnect();
  await db.stop();
}

const r = results as {
  batchedEmpty: { eventsPerSec: number };
  rawBaseline: { rowsPerSec: number };
  percentOfBaseline: number;
  single200: RunResult;
  health200: RunResult;
  loadAverageAtStart: number[];
  usageCurrent200: RunResult;
  usageCurrentMax: RunResult;
  batchedFull: { eventsPerSec: number };
  fullVsEmptyPercent: number;
  ledgerRows: number;
};
results.loadAverageAtEnd = os.loadavg();
// Raw figures first, so a formatting problem below cannot lose a long run.
mkdirSync("bench/results", { recursive: true });
const file = path.join("bench/results", `ingest-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));
const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
const lines = [
  `machine: ${os.cpus().length} CPUs, load average at start ${r.loadAverageAtStart.map((l) => l.toFixed(1)).join(" ")}`,
  `reference floor: GET /api/health (no DB) at 200 req/s: p50 ${r.health200.p50} ms, p99 ${r.health200.p99} ms`,
  `batched ingest (500/req), empty ledger: ${r.batchedEmpty.eventsPerSec.toLocaleString()} events/s  [target ≥ 25,000] ${verdict(r.batchedEmpty.eventsPerSec >= 25_000)}`,
  `raw Postgres baseline (same rows, INSERT … ON CONFLICT DO NOTHING): ${r.rawBaseline.rowsPerSec.toLocaleString()} rows/s → ingest = ${r.percentOfBaseline}% [target ≥ 50%] ${verdict(r.percentOfBaseline >= 50)}`,
  `single-event requests at 200 req/s: p50 ${r.single200.p50} ms, p99 ${r.single200.p99} ms (${r.single200.non2xx} non-2xx) [target p99 ≤ 25 ms] ${verdict(r.single200.p99 <= 25)}`,
  `GET /usage/current with ${r.ledgerRows.toLocaleString()} ledger rows at 200 req/s: p50 ${r.usageCurrent200.p50} ms, p99 ${r.usageCurrent200.p99} ms (${r.usageCurrent200.non2xx} non-2xx) [target ≤ 10 ms] ${verdict(r.usageCurrent200.p99 <= 10 && r.usageCurrent200.non2xx === 0)}`,
  `GET /usage/current saturated (${CONNECTIONS} connections): ${Math.round(r.usageCurrentMax.reqPerSec)} req/s, p99 ${r.usageCurrentMax.p99} ms`,
  `batched ingest with the full ledger: ${r.batchedFull.eventsPerSec.toLocaleString()} events/s = ${r.fullVsEmptyPercent}% of empty [target within 20%] ${verdict(r.fullVsEmptyPercent >= 80)}`,
];
console.log(lines.join("\n"));
writeFileSync(file, JSON.stringify({ ...results, summary: lines }, null, 2));
console.log(`results: ${file}`);
process.exit(0);
