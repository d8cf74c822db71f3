import { getPgPool } from "@/lib/db/pg-pool";
import { ingestEvents } from "@/lib/ingest/ingest-events";

// A customer's daily profile: API calls per weekday hour, and storage that grows.
const PROFILES = [
  { customerRef: "cus_ACME_001", callsPerEvent: 40, eventsPerDay: 60, storageStart: 120, storageGrowth: 2.5 },
  { customerRef: "cus_ACME_002", callsPerEvent: 15, eventsPerDay: 35, storageStart: 18, storageGrowth: 0.4 },
  { customerRef: "cus_ACME_003", callsPerEvent: 90, eventsPerDay: 20, storageStart: 640, storageGrowth: 6 },
];
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
 * Realistic usage for the demo tenant over the current month so far (about 60 events a day:
 * few early in a month, a few thousand by its end), written through the real ingest path.
 * Does nothing if the tenant has events.
 */
export async function seedDemoUsage(tenantId: string, now = new Date()): Promise<number> {
  const existing = await getPgPool().query("SELECT 1 FROM events WHERE tenant_id = $1 LIMIT 1", [tenantId]);
  if (existing.rowCount && existing.rowCount > 0) return 0;
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const rand = prng(20261127);
  const events: Array<Record<string, unknown>> = [];
  for (let day = monthStart; day < now.getTime(); day += 86_400_000) {
    const dayIndex = Math.floor((day - monthStart) / 86_400_000);
    const weekend = [0, 6].includes(new Date(day).getUTCDay());
    for (const p of PROFILES) {
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
