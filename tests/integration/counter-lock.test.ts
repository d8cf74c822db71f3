// Batches that move many counters queue on the tenant's counter lock (lib/ingest/apply-counter-deltas.ts):
// while another transaction holds it, such a batch of that tenant does not commit; small
// writes of the same tenant and batches of other tenants are not held up; once it is
// released the batch commits with exact counters.
import { describe, expect, it } from "vitest";
import { tenantLockKey } from "@/lib/db/tenant-lock-key";
import { COUNTER_LOCK_CLASS, LOCK_FROM_COUNTERS } from "@/lib/ingest/apply-counter-deltas";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";
import { verifyCounters } from "@/lib/usage/verify-counters";
import { isoNow, verifyCountersAfterEach } from "../helpers/ingest";
import { useRawPgClient } from "../helpers/raw-pg-client";
import { createTestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

const event = (key: string, quantity: number, customerRef = "cus_lock") => ({
  metric: "api_calls",
  customerRef,
  quantity,
  ts: isoNow(-1000),
  idempotencyKey: key,
});
// One event for each of LOCK_FROM_COUNTERS customers: a batch that moves that many counters.
const wideBatch = () => Array.from({ length: LOCK_FROM_COUNTERS }, (_, i) => event(`w${i}`, i + 1, `cus_${i}`));

describe("tenant counter lock", () => {
  const holderOf = useRawPgClient();

  it("holds a tenant's wide batch until the lock is free; its small writes and other tenants go on", async () => {
    const held = await createTestTenant();
    const other = await createTestTenant();
    // The meter exists before: a waiting batch's new meter row would hold up the small write.
    await ingestEvents({ tenantId: held.tenantId, events: [event("pre", 0, "cus_pre")] });
    await holderOf().query("BEGIN");
    await holderOf().query("SELECT pg_advisory_xact_lock($1::int, $2::int)", [
      COUNTER_LOCK_CLASS | 0,
      tenantLockKey(held.tenantId),
    ]);
    let settled = false;
    const waiting = ingestEvents({ tenantId: held.tenantId, events: wideBatch() }).finally(() => {
      settled = true;
    });

    // Another tenant's wide batch, and a single event of the same tenant, go through meanwhile.
    const free = await ingestEvents({ tenantId: other.tenantId, events: wideBatch() });
    expect(free.accepted).toBe(LOCK_FROM_COUNTERS);
    const small = await ingestEvents({ tenantId: held.tenantId, events: [event("a", 2), event("b", 3)] });
    expect(small.accepted).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    // Nothing of the waiting batch is visible: not even the customers it created.
    await expect(getCurrentUsage({ tenantId: held.tenantId, customerRef: "cus_3" })).rejects.toThrow(/not found/);

    await holderOf().query("COMMIT");
    const outcome = await waiting;
    expect(outcome.accepted).toBe(LOCK_FROM_COUNTERS);
    const after = await getCurrentUsage({ tenantId: held.tenantId, customerRef: "cus_3" });
    expect(after.metrics.map((m) => [m.metric, m.value])).toEqual([["api_calls", "4"]]);
    const single = await getCurrentUsage({ tenantId: held.tenantId, customerRef: "cus_lock" });
    expect(single.metrics.map((m) => [m.metric, m.value])).toEqual([["api_calls", "5"]]);
    const check = await verifyCounters({ tenantId: held.tenantId });
    expect(check.differences).toEqual([]);
  });
});
