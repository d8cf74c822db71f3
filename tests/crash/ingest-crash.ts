// Crash test (issue 3), run by `npm test` after the production build:
//   npx tsx tests/crash/ingest-crash.ts
// Sustained ingest load from clients that retry every batch until they get a 2xx; the
// `next start` server is killed with SIGKILL twice mid-load and restarted. Afterwards the
// ledger must hold exactly the distinct keys that were acknowledged (nothing acknowledged
// missing, nothing doubled) and `counters verify` must find zero differences.
//
// Env: CRASH_PG_PORT (default SM_TEST_PG_PORT or 54335), CRASH_HTTP_PORT (default 3290),
//      NEXT_DIST_DIR (the build to start, default .next).
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { createApiKey } from "../../lib/auth/api-keys";
import { getDb } from "../../lib/db/client";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrateDatabase } from "../../lib/db/migrate";
import { getPgPool } from "../../lib/db/pg-pool";
import { createTenant } from "../../lib/tenants/create-tenant";
import { verifyCounters } from "../../lib/usage/verify-counters";

const PG_PORT = Number(process.env.CRASH_PG_PORT ?? process.env.SM_TEST_PG_PORT ?? 54335);
const HTTP_PORT = Number(process.env.CRASH_HTTP_PORT ?? 3290);
const WORKERS = 8;
const BATCHES_PER_WORKER = 40;
const EVENTS_PER_BATCH = 25;
const base = `http://127.0.0.1:${HTTP_PORT}`;
const log = (m: string) => process.stderr.write(`[crash] ${m}\n`);

const dataDir = path.resolve(".data", `pg-crash-${PG_PORT}`);
rmSync(dataDir, { recursive: true, force: true });
const database = await startEmbeddedPostgres({ port: PG_PORT, dataDir, database: "stripemeter_crash" });
process.env.DATABASE_URL = database.url;
await migrateDatabase(database.url);
const tenant = await createTenant({ name: "Crash test", actor: { type: "system" } });
const key = (
  await createApiKey({ tenantId: tenant.id, name: "crash", scopes: ["events:write"], actor: { type: "system" } })
).key;

let server: ChildProcess | null = null;
async function startServer(): Promise<void> {
  const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  server = spawn(process.execPath, [nextBin, "start", "-p", String(HTTP_PORT)], {
    env: { ...process.env, DATABASE_URL: database.url, NODE_ENV: "production", LOG_LEVEL: "error" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true, // own process group, so SIGKILL reaches every process next starts
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("next start did not come up");
}
function killServer(): void {
  if (server?.pid) process.kill(-server.pid, "SIGKILL");
  server = null;
}

const acknowledged = new Map<string, string>(); // key -> quantity
let quantityTotal = 0n;
let retries = 0;
let duplicatesAfterRetry = 0;

async function worker(w: number): Promise<void> {
  for (let b = 0; b < BATCHES_PER_WORKER; b++) {
    const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => {
      const quantity = ((w * 7 + b * 3 + i) % 9) + 1;
      return {
        metric: "api_calls",
        customerRef: `cus_${(w + i) % 3}`,
        quantity,
        ts: new Date(Date.now() - 60_000).toISOString(),
        // half the events carry a client key, half rely on the derived one
        ...(i % 2 === 0 ? { idempotencyKey: `w${w}-b${b}-e${i}` } : { resourceId: `w${w}-b${b}-e${i}` }),
      };
    });
    const body = JSON.stringify({ events });
    for (;;) {
      try {
        const res = await fetch(`${base}/api/v1/events/ingest`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (res.ok) {
          const json = (await res.json()) as { results: Array<{ idempotencyKey: string; status: string }> };
          json.results.forEach((r, i) => {
            if (r.status !== "accepted" && r.status !== "duplicate") throw new Error(`unexpected ${r.status}`);
            if (r.status === "duplicate") duplicatesAfterRetry++;
            if (!acknowledged.has(r.idempotencyKey)) {
              acknowledged.set(r.idempotencyKey, String(events[i].quantity));
              quantityTotal += BigInt(events[i].quantity);
            }
          });
          break;
        }
      } catch {
        // connection refused/reset while the server is down: retry the same batch
      }
      retries++;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

let failed = false;
try {
  await startServer();
  log(`load: ${WORKERS} clients × ${BATCHES_PER_WORKER} batches × ${EVENTS_PER_BATCH} events`);
  const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  // Kill mid-load: once a quarter and again once half of the keys have been acknowledged.
  for (const threshold of [0.25, 0.5]) {
    while (acknowledged.size < threshold * WORKERS * BATCHES_PER_WORKER * EVENTS_PER_BATCH) {
      await new Promise((r) => setTimeout(r, 20));
    }
    log(`kill -9 the server (${acknowledged.size} keys acknowledged so far)`);
    killServer();
    await new Promise((r) => setTimeout(r, 500));
    await startServer();
    log("server restarted");
  }
  await load;

  const pool = getPgPool();
  const ledger = await pool.query<{ idempotency_key: string; quantity: string }>(
    "SELECT idempotency_key, quantity::bigint::text AS quantity FROM events WHERE tenant_id = $1",
    [tenant.id],
  );
  const stored = new Map(ledger.rows.map((r) => [r.idempotency_key, r.quantity]));
  const missing = [...acknowledged.keys()].filter((k) => !stored.has(k));
  const unexpected = [...stored.keys()].filter((k) => !acknowledged.has(k));
  // Each stored row holds the quantity its key was acknowledged with, not only the right total.
  const wrongQuantity = [...acknowledged].filter(([k, q]) => stored.has(k) && stored.get(k) !== q);
  const expectedKeys = WORKERS * BATCHES_PER_WORKER * EVENTS_PER_BATCH;
  const counters = await pool.query<{ total: string }>(
    "SELECT coalesce(sum(value), 0)::bigint::text AS total FROM counters WHERE tenant_id = $1",
    [tenant.id],
  );
  const verify = await verifyCounters({ tenantId: tenant.id });
  const report = {
    acknowledgedKeys: acknowledged.size,
    expectedKeys,
    ledgerRows: ledger.rowCount,
    missing: missing.length,
    unexpected: unexpected.length,
    wrongQuantity: wrongQuantity.length,
    counterTotal: counters.rows[0].total,
    acknowledgedQuantity: quantityTotal.toString(),
    verifyDifferences: verify.differences.length,
    lateEventLinks: verify.lateEventLinks.length,
    retries,
    duplicatesAfterRetry,
  };
  log(JSON.stringify(report));
  failed =
    acknowledged.size !== expectedKeys ||
    ledger.rowCount !== expectedKeys ||
    missing.length > 0 ||
    unexpected.length > 0 ||
    wrongQuantity.length > 0 ||
    counters.rows[0].total !== quantityTotal.toString() ||
    verify.differences.length > 0 ||
    verify.lateEventLinks.length > 0 ||
    retries === 0;
  console.log(failed ? "crash test FAILED" : "crash test passed: ledger == acknowledged keys, counters verified");
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  killServer();
  await getPgPool().end();
  await getDb().$disconnect();
  await database.stop();
}
process.exit(failed ? 1 : 0);
