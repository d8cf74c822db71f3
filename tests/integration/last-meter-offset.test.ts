// A `last` meter's adjustment is an offset on the latest reading; a later, lower reading can
// drop under it. Usage and projections then read 0, never a negative quantity (audit 9).
import { describe, expect, it } from "vitest";
import { POST as createPriceRoute } from "@/app/api/v1/prices/route";
import { createAdjustment } from "@/lib/adjustments/create-adjustment";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { projectUsage } from "@/lib/projection/project-usage";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";
import { counterValue, createMeterRow, expectCountersVerified, verifyCountersAfterEach } from "../helpers/ingest";
import { callRoute } from "../helpers/route";
import { createTestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

describe("a last meter whose offset exceeds a later reading", () => {
  it("reads 0 in usage and prices 0 (the flat fee) in the projection; a revert restores the reading", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "seats", "last");
    // $5.00 a month flat for the first 10 seats, then $1.00 a seat
    const price = await callRoute(createPriceRoute, {
      method: "POST",
      path: "/api/v1/prices",
      key: t.apiKey,
      body: {
        metric: "seats",
        currency: "usd",
        billing_scheme: "tiered",
        tiers_mode: "graduated",
        tiers: [
          { up_to: 10, unit_amount: 0, flat_amount: 500 },
          { up_to: "inf", unit_amount: 100 },
        ],
      },
    });
    expect(price.status).toBe(201);
    const at = (iso: string) => new Date(iso);
    const reading = (quantity: number, ts: string) =>
      ingestEvents({
        tenantId: t.tenantId,
        events: [{ metric: "seats", customerRef: "c", quantity, ts }],
        now: at("2026-03-20T00:00:00Z"),
      });
    await reading(100, "2026-03-02T00:00:00Z");
    const adj = await createAdjustment({
      tenantId: t.tenantId,
      input: { metric: "seats", customerRef: "c", delta: "-90", reason: "over-reported" },
      actor: { type: "api_key", id: "key_test" },
      now: at("2026-03-03T00:00:00Z"),
    });
    await reading(5, "2026-03-04T00:00:00Z");
    // stored as reading + offset, so a revert can restore it
    expect(await counterValue(t.tenantId, "seats", "c")).toBe("-85");

    const now = at("2026-03-20T00:00:00Z");
    const current = await getCurrentUsage({ tenantId: t.tenantId, customerRef: "c", now });
    expect(current.metrics).toEqual([{ metric: "seats", aggregation: "last", value: "0", unit: null }]);
    const projection = await projectUsage({ tenantId: t.tenantId, customerRef: "c", now });
    expect(projection.lineItems[0]).toMatchObject({ metric: "seats", quantity: "0", amount: 500 });
    expect(projection.lineItems[0].reasonCode).toBeUndefined();
    expect(projection.total).toBe(500);

    await createAdjustment({
      tenantId: t.tenantId,
      input: { revertsId: adj.id, reason: "undo" },
      actor: { type: "api_key", id: "key_test" },
      now,
    });
    expect((await getCurrentUsage({ tenantId: t.tenantId, customerRef: "c", now })).metrics[0].value).toBe("5");
    expect((await projectUsage({ tenantId: t.tenantId, customerRef: "c", now })).total).toBe(500);
    await expectCountersVerified(t.tenantId);
  });

  it("lets an adjustment or a revert that raises a counter already below zero through: it makes nothing negative", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "seats", "last");
    const now = new Date("2026-03-20T00:00:00Z");
    const reading = (quantity: number, ts: string) =>
      ingestEvents({ tenantId: t.tenantId, events: [{ metric: "seats", customerRef: "c", quantity, ts }], now });
    const adjust = (input: Record<string, string>) =>
      createAdjustment({
        tenantId: t.tenantId,
        input: { reason: "r", ...input },
        actor: { type: "api_key", id: "key_test" },
        now,
      });
    await reading(100, "2026-03-02T00:00:00Z");
    const a = await adjust({ metric: "seats", customerRef: "c", delta: "-50" });
    const b = await adjust({ metric: "seats", customerRef: "c", delta: "-40" });
    await reading(5, "2026-03-04T00:00:00Z");
    expect(await counterValue(t.tenantId, "seats", "c")).toBe("-85");
    // Undoing one of the two corrections raises the counter (−85 → −35): nothing becomes negative.
    await adjust({ revertsId: a.id });
    expect(await counterValue(t.tenantId, "seats", "c")).toBe("-35");
    await adjust({ metric: "seats", customerRef: "c", delta: "10" });
    expect(await counterValue(t.tenantId, "seats", "c")).toBe("-25");
    // Lowering it further is still refused.
    await expect(adjust({ metric: "seats", customerRef: "c", delta: "-1" })).rejects.toMatchObject({
      code: "validation_failed",
    });
    await adjust({ revertsId: b.id });
    expect(await counterValue(t.tenantId, "seats", "c")).toBe("15");
    expect((await getCurrentUsage({ tenantId: t.tenantId, customerRef: "c", now })).metrics[0].value).toBe("15");
    await expectCountersVerified(t.tenantId);
  });
});
