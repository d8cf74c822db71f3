// Counter writers of one tenant queue on the tenant's counter lock (lib/ingest/apply-counter-deltas.ts):
// while another transaction holds it, an ingest of that tenant does not commit; other tenants
// are not held up; and once it is released the ingest commits with exact counters.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantLockKey } from "@/lib/db/tenant-lock-key";
import { COUNTER_LOCK_CLASS } from "@/lib/ingest/apply-counter-deltas";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";
import { verifyCounters } from "@/lib/usage/verify-counters";
import { isoNow } from "../helpers/ingest";
import { createTestTenant } from "../helpers/tenant";

const event = (key: string, quantity: number) => ({
  metric: "api_calls",
  customerRef: "cus_lock",
  quantity,
  ts: isoNow(-1000),
  idempotencyKey: key,
});

describe("tenant counter lock", () => {
  let holder: pg.Client;
  beforeAll(async () => {
    holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
  });
  afterAll(async () => {
    await holder.end();
  });

  it("holds a tenant's ingest until the lock is free, and only that tenant's", async () => {
    const held = await createTestTenant();
    const other = await createTestTenant();
    await holder.query("BEGIN");
    await holder.query("SELECT pg_advisory_xact_lock($1::int, $2::int)", [
      COUNTER_LOCK_CLASS | 0,
      tenantLockKey(held.tenantId),
    ]);
    let settled = false;
    const waiting = ingestEvents({ tenantId: held.tenantId, events: [event("a", 2), event("b", 3)] }).finally(() => {
      settled = true;
    });

    // Another tenant ingests while the first one waits.
    const free = await ingestEvents({ tenantId: other.tenantId, events: [event("a", 7)] });
    expect(free.accepted).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    // Nothing of the waiting batch is visible: not even the customer it created.
    await expect(getCurrentUsage({ tenantId: held.tenantId, customerRef: "cus_lock" })).rejects.toThrow(/not found/);

    await holder.query("COMMIT");
    const outcome = await waiting;
    expect(outcome.accepted).toBe(2);
    const after = await getCurrentUsage({ tenantId: held.tenantId, customerRef: "cus_lock" });
    expect(after.metrics.map((m) => [m.metric, m.value])).toEqual([["api_calls", "5"]]);
    const check = await verifyCounters({ tenantId: held.tenantId });
    expect(check.differences).toEqual([]);
  });
});
