import { describe, expect, it } from "vitest";
import { seedDemoUsage } from "@/lib/demo/seed-demo-usage";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";
import { expectCountersVerified, ledgerCount } from "../helpers/ingest";
import { createTestTenant } from "../helpers/tenant";

describe("demo usage", () => {
  it("ingests a few thousand events over the month so far, once", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-11-27T15:00:00Z");
    const accepted = await seedDemoUsage(t.tenantId, now);
    expect(accepted).toBeGreaterThan(2000);
    expect(accepted).toBeLessThan(6000);
    expect(await ledgerCount(t.tenantId)).toBe(accepted);
    expect(await seedDemoUsage(t.tenantId, now)).toBe(0);
    expect(await ledgerCount(t.tenantId)).toBe(accepted);
    const usage = await getCurrentUsage({ tenantId: t.tenantId, customerRef: "cus_ACME_001", now });
    const calls = usage.metrics.find((m) => m.metric === "api_calls");
    expect(Number(calls?.value)).toBeGreaterThan(10_000);
    await expectCountersVerified(t.tenantId);
  });
});
