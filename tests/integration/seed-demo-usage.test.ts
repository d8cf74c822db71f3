import { describe, expect, it } from "vitest";
import { seedDemoUsage } from "@/lib/demo/seed-demo-usage";
import { projectUsage } from "@/lib/projection/project-usage";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";
import { expectCountersVerified, ledgerCount } from "../helpers/ingest";
import { createTestTenant } from "../helpers/tenant";

const DAY = 86_400_000;

describe("demo usage", () => {
  it("ingests a couple of thousand events over each customer's anchored period so far, once", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-11-27T15:00:00Z");
    const accepted = await seedDemoUsage(t.tenantId, now);
    expect(accepted).toBeGreaterThan(1500);
    expect(accepted).toBeLessThan(4000);
    expect(await ledgerCount(t.tenantId)).toBe(accepted);
    expect(await seedDemoUsage(t.tenantId, now)).toBe(0);
    expect(await ledgerCount(t.tenantId)).toBe(accepted);
    const usage = await getCurrentUsage({ tenantId: t.tenantId, customerRef: "cus_ACME_001", now });
    // anchored 20 days ago: the open period started then, whatever the calendar month
    expect(usage.period.start).toBe("2026-11-07T00:00:00.000Z");
    const calls = usage.metrics.find((m) => m.metric === "api_calls");
    expect(Number(calls?.value)).toBeGreaterThan(10_000);
    await expectCountersVerified(t.tenantId);
  });

  it("is part-way through every customer's period even on the 2nd of a month", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-12-02T05:30:00Z");
    expect(await seedDemoUsage(t.tenantId, now)).toBeGreaterThan(1500);
    for (const [customerRef, days] of [
      ["cus_ACME_001", 20],
      ["cus_ACME_002", 24],
      ["cus_ACME_003", 12],
    ] as const) {
      const usage = await getCurrentUsage({ tenantId: t.tenantId, customerRef, now });
      expect(usage.period.start).toBe(new Date(Date.UTC(2026, 11, 2) - days * DAY).toISOString());
      expect(Number(usage.metrics.find((m) => m.metric === "api_calls")?.value)).toBeGreaterThan(1000);
      const projection = await projectUsage({ tenantId: t.tenantId, customerRef, now });
      const calls = projection.lineItems.find((l) => l.metric === "api_calls");
      // the forecast rests on the days elapsed since the anchor, not on a day and a half
      expect(calls?.forecast).toMatchObject({ method: "run_rate", elapsedDays: `${days}.229167` });
    }
    await expectCountersVerified(t.tenantId);
  });
});
