import { periodFor } from "@/lib/billing/period";
import { getPgPool } from "@/lib/db/pg-pool";
import { newId } from "@/lib/ids";
import { ingestEvents } from "@/lib/ingest/ingest-events";

// A customer's daily profile: API calls per weekday hour, and storage that grows. Each
// subscribed on another day, so its billing period is anchored there (as Stripe anchors a
// subscription): the demo is always part-way through every customer's period, whatever the
// date, instead of nearly empty early in a calendar month.
const PROFILES = [
  {
    customerRef: "cus_ACME_001",
    anchorDaysAgo: 20,
    callsPerEvent: 40,
    eventsPerDay: 60,
    storageStart: 120,
    storageGrowth: 2.5,
  },
  {
    customerRef: "cus_ACME_002",
    anchorDaysAgo: 24,
    callsPerEvent: 15,
    eventsPerDay: 35,
    storageStart: 18,
    storageGrowth: 0.4,
  },
  {
    customerRef: "cus_ACME_003",
    anchorDaysAgo: 12,
    callsPerEvent: 90,
    eventsPerDay: 20,
    storageStart: 640,
    storageGrowth: 6,
  },
];
const DAY_MS = 86_400_000;
const BATCH = 1000;

/** Deterministic PRNG (mulberry32) so every fresh demo looks the same. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Realistic usage for the demo tenant: each customer's billing anchor (12–24 days ago) and
 * its open period so far (about 2,000 events in all), written through the real ingest path.
 * Does nothing if the tenant has events.
 */
export async function seedDemoUsage(tenantId: string, now = new Date()): Promise<number> {
  const existing = await getPgPool().query("SELECT 1 FROM events WHERE tenant_id = $1 LIMIT 1", [tenantId]);
  if (existing.rowCount && existing.rowCount > 0) return 0;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const anchors = PROFILES.map((p) => new Date(today - p.anchorDaysAgo * DAY_MS));
  // Before any usage, so moving the anchor splits nothing (the customers exist without
  // events when `npm run dev` seeds, and not at all in tests).
  await getPgPool().query(
    `INSERT INTO customers (tenant_id, id, customer_ref, billing_anchor, updated_at)
     SELECT $1, u.id, u.ref, u.anchor, now() FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS u(ref, id, anchor)
     ON CONFLICT (tenant_id, customer_ref) DO UPDATE SET billing_anchor = excluded.billing_anchor, updated_at = now()`,
    [tenantId, PROFILES.map((p) => p.customerRef), PROFILES.map(() => newId("cst")), anchors],
  );
  const rand = prng(20261127);
  const events: Array<Record<string, unknown>> = [];
  for (const [k, p] of PROFILES.entries()) {
    const periodStart = periodFor(now, anchors[k]).start.getTime();
    for (let day = periodStart; day < now.getTime(); day += DAY_MS) {
      const dayIndex = Math.floor((day - periodStart) / DAY_MS);
      const weekend = [0, 6].includes(new Date(day).getUTCDay());
      const n = Math.round(p.eventsPerDay * (weekend ? 0.4 : 1) * (0.8 + rand() * 0.4));
      for (let i = 0; i < n; i++) {
        // business hours are busier: bias the hour towards 08:00–18:00 UTC
        const hour = rand() < 0.75 ? 8 + Math.floor(rand() * 10) : Math.floor(rand() * 24);
        const ts = day + hour * 3_600_000 + Math.floor(rand() * 3_600_000);
        if (ts > now.getTime()) continue;
        events.push({
          metric: "api_calls",
          customerRef: p.customerRef,
          quantity: Math.max(1, Math.round(p.callsPerEvent * (0.5 + rand()))),
          ts: new Date(ts).toISOString(),
          idempotencyKey: `demo_${p.customerRef}_${ts}_${i}`,
          resourceId: `proj_${1 + Math.floor(rand() * 4)}`,
          meta: { endpoint: ["/v1/search", "/v1/items", "/v1/export"][Math.floor(rand() * 3)] },
          source: "demo",
        });
      }
      const storageTs = day + 23 * 3_600_000;
      if (storageTs <= now.getTime()) {
        events.push({
          metric: "storage_gb",
          customerRef: p.customerRef,
          quantity: (p.storageStart + p.storageGrowth * dayIndex + rand() * 3).toFixed(2),
          ts: new Date(storageTs).toISOString(),
          idempotencyKey: `demo_storage_${p.customerRef}_${dayIndex}`,
          source: "demo",
        });
      }
    }
  }
  let accepted = 0;
  for (let i = 0; i < events.length; i += BATCH) {
    const res = await ingestEvents({ tenantId, events: events.slice(i, i + BATCH), now });
    accepted += res.accepted;
  }
  return accepted;
}
