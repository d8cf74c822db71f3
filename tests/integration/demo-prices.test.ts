import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { seedDemoPrices } from "@/lib/demo/seed-demo-prices";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { projectUsage } from "@/lib/projection/project-usage";
import { createTestTenant } from "../helpers/tenant";

describe("demo prices", () => {
  it("seed once, keep an existing price, and price the demo metrics in projections", async () => {
    const t = await createTestTenant();
    await seedDemoPrices(t.tenantId);
    await db.price.update({
      where: { tenantId_metric: { tenantId: t.tenantId, metric: "storage_gb" } },
      data: { unitAmountDecimal: "30" },
    });
    await seedDemoPrices(t.tenantId);
    const prices = await db.price.findMany({ where: { tenantId: t.tenantId }, orderBy: { metric: "asc" } });
    expect(prices.map((p) => [p.metric, p.billingScheme])).toEqual([
      ["api_calls", "tiered"],
      ["storage_gb", "per_unit"],
    ]);
    expect(prices[1].unitAmountDecimal?.toString()).toBe("30");

    const now = new Date("2026-11-21T00:00:00Z");
    await ingestEvents({
      tenantId: t.tenantId,
      now,
      events: [{ metric: "api_calls", customerRef: "cus_demo", quantity: 30000, ts: "2026-11-20T00:00:00Z" }],
    });
    const p = await projectUsage({ tenantId: t.tenantId, customerRef: "cus_demo", now });
    // 10,000 free + 20,000 × 0.05¢ = 1000¢
    expect(p.lineItems.find((l) => l.metric === "api_calls")?.amount).toBe(1000);
    expect(p.total).toBe(1000);
  });
});
