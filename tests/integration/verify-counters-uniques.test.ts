// `counters verify` compares the `unique_count` value sets (docs/ingest.md, "Verify and
// repair"), not only their sizes: a distinct-value set holding a wrong value makes every later
// event with the missing value count again, and `--fix` must rebuild it.
import { describe, expect, it } from "vitest";
import { getPgPool } from "@/lib/db/pg-pool";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { verifyCounters } from "@/lib/usage/verify-counters";
import { counterValue, createMeterRow, isoNow } from "../helpers/ingest";
import { createTestTenant } from "../helpers/tenant";

describe("counters verify and unique_count value sets", () => {
  it("finds and fixes a value set of the right size holding a wrong value", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "seats", "unique_count");
    const seat = (key: string, resourceId: string) => ({
      metric: "seats",
      customerRef: "cus_set",
      quantity: 1,
      ts: isoNow(-5000),
      resourceId,
      idempotencyKey: key,
    });
    await ingestEvents({ tenantId: t.tenantId, events: [seat("s1", "u1"), seat("s2", "u2")] });
    // Drift behind the ledger's back: same count (2), one value wrong.
    await getPgPool().query("UPDATE counter_uniques SET value = 'bogus' WHERE tenant_id = $1 AND value = 'u1'", [
      t.tenantId,
    ]);

    const found = await verifyCounters({ tenantId: t.tenantId });
    expect(found.differences.map((d) => [d.metric, d.customerRef])).toEqual([["seats", "cus_set"]]);
    expect((await verifyCounters({ tenantId: t.tenantId, fix: true })).fixed).toBe(1);
    expect((await verifyCounters({ tenantId: t.tenantId })).differences).toEqual([]);

    // Repaired: u1 seen again counts nothing.
    await ingestEvents({ tenantId: t.tenantId, events: [seat("s3", "u1")] });
    expect(await counterValue(t.tenantId, "seats", "cus_set")).toBe("2");
    expect((await verifyCounters({ tenantId: t.tenantId })).differences).toEqual([]);
  });
});
