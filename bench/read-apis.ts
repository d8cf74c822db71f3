// Read-API latency on a large ledger: events list (first and deep pages, with filters),
// usage history and CSV export throughput, through the same lib functions the routes call.
//   SM_PG_PORT=54363 SM_PG_DATA=$PWD/.data/pg-bench npx tsx scripts/db-server.ts &   # or any local DATABASE_URL
//   DATABASE_URL=… NODE_OPTIONS=--conditions=react-server npx tsx bench/read-apis.ts [events=2000000]

import { getDb } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { exportEventsCsv } from "../lib/events/export-events-csv";
import { listEvents } from "../lib/events/list-events";
import { createTenant } from "../lib/tenants/create-tenant";
import { getUsageHistory } from "../lib/usage/get-usage-history";

const N = Number(process.argv[2] ?? 2_000_000);
const CUSTOMERS = 1000;
const url = process.env.DATABASE_URL;
if (!url) throw new Error("set DATABASE_URL");
await migrateDatabase(url);
// Seeding inserts hundreds of thousands of rows per statement: no statement time limit in this
// process (lib/db/pool-config.ts's 30 s default is the app's).
process.env.DB_QUERY_TIMEOUT_MS ??= "0";
const db = getDb();
const tenant = await createTenant({ name: `bench-read ${Date.now()}`, actor: { type: "system" } });
const tenantId = tenant.id;
const end = Date.now() - 60_000;
const spanMs = 60 * 24 * 3_600_000; // 60 days of events
await db.meter.create({
  data: { tenantId, id: `mtr_bench_${tenantId}`, metric: "api_calls", displayName: "API calls" },
});

console.log(`seeding ${N} events over 60 days, ${CUSTOMERS} customers…`);
const started = performance.now();
const CHUNK = 500_000;
for (let from = 0; from < N; from += CHUNK) {
  const to = Math.min(N, from + CHUNK);
  await db.$executeRawUnsafe(
    `INSERT INTO events (tenant_id, idempotency_key, metric, customer_ref, quantity, ts, period_start)
     SELECT $1, 'k' || g, CASE WHEN g % 4 = 0 THEN 'storage' ELSE 'api_calls' END, 'cus_' || (g % ${CUSTOMERS}),
            (g % 7)::numeric, to_timestamp(($2::bigint - (g::bigint * $3::bigint / $4::bigint)) / 1000.0),
            date_trunc('month', to_timestamp(($2::bigint - (g::bigint * $3::bigint / $4::bigint)) / 1000.0))
     FROM generate_series($5::int, $6::int - 1) g`,
    tenantId,
    end,
    spanMs,
    N,
    from,
    to,
  );
}
await db.$executeRawUnsafe("ANALYZE events");
console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

async function time(label: string, runs: number, fn: () => Promise<unknown>) {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))].toFixed(1);
  console.log(`${label.padEnd(52)} p50 ${pct(0.5).padStart(7)} ms   p99 ${pct(0.99).padStart(7)} ms`);
}

await time("events list, first page (100)", 50, () => listEvents({ tenantId, limit: 100 }));
await time("events list, customer filter (100)", 50, () => listEvents({ tenantId, limit: 100, customerRef: "cus_42" }));
await time("events list, metric filter (100)", 50, () => listEvents({ tenantId, limit: 100, metric: "storage" }));
let cursor: string | undefined;
for (let i = 0; i < 200; i++) cursor = (await listEvents({ tenantId, limit: 1000, cursor })).nextCursor ?? undefined;
await time("events list, page after 200k rows (1000)", 20, () => listEvents({ tenantId, limit: 1000, cursor }));
const dayMs = 86_400_000;
await time("usage history, 30 days by day, one customer", 20, () =>
  getUsageHistory({
    tenantId,
    customerRef: "cus_42",
    metric: "api_calls",
    from: new Date(end - 30 * dayMs).toISOString(),
    to: new Date(end).toISOString(),
    granularity: "day",
  }),
);
await time("usage history, 30 days by hour, one customer", 20, () =>
  getUsageHistory({
    tenantId,
    customerRef: "cus_42",
    metric: "api_calls",
    from: new Date(end - 30 * dayMs).toISOString(),
    to: new Date(end).toISOString(),
    granularity: "hour",
  }),
);

const exportFrom = new Date(end - 7 * dayMs).toISOString();
const t0 = performance.now();
let bytes = 0;
let rows = 0;
const reader = exportEventsCsv({ tenantId, from: exportFrom, to: new Date(end).toISOString() }).getReader();
const decoder = new TextDecoder();
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  bytes += value.byteLength;
  rows += decoder.decode(value).split("\r\n").length - 1;
}
const secs = (performance.now() - t0) / 1000;
console.log(
  `CSV export, 7 days: ${rows - 1} rows, ${(bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s = ${Math.round((rows - 1) / secs)} rows/s, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`,
);
await db.$disconnect();
