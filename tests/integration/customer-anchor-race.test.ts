// Moving a customer's billing anchor is refused once its open period has usage
// (lib/customers/update-customer.ts). A PATCH racing the customer's first ingest must not slip
// between the two: either the PATCH sees the usage and is refused, or the ingest files its
// usage under the new anchor. Usage filed under the old one would sit in a period the customer
// no longer has, where usage/current and the invoice would never count it.
import { describe, expect, it } from "vitest";
import { createAdjustment } from "@/lib/adjustments/create-adjustment";
import { ApiError } from "@/lib/api/errors";
import { periodFor } from "@/lib/billing/period";
import { updateCustomer } from "@/lib/customers/update-customer";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";
import { verifyCounters } from "@/lib/usage/verify-counters";
import { createMeterRow, isoNow, verifyCountersAfterEach } from "../helpers/ingest";
import { createTestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

const actor = { type: "system" as const, id: "anchor-race" };
const DAY = 86_400_000;

describe("PATCH billing anchor racing the first usage", () => {
  it("never files usage under the anchor the customer no longer has", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "calls", "sum");
    // An anchor whose open period starts ~10 days ago, not on the 1st like the default's.
    const anchor = new Date(Date.now() - 10 * DAY);
    anchor.setUTCHours(0, 0, 0, 0);
    let refused = 0;
    let moved = 0;
    for (let i = 0; i < 40; i++) {
      const customerRef = `cus_anchor_${i}`;
      // Every third customer does not exist yet: the PATCH creates it, racing the ingest that
      // creates it too (adjustments need an existing customer).
      const absent = i % 3 === 2 && i % 4 !== 3;
      if (!absent) await db.customer.create({ data: { tenantId: t.tenantId, id: newId("cst"), customerRef } });
      const recordUsage = (): Promise<unknown> =>
        i % 4 === 3
          ? createAdjustment({
              tenantId: t.tenantId,
              input: { metric: "calls", customerRef, delta: "5", reason: "race" },
              actor,
            })
          : ingestEvents({
              tenantId: t.tenantId,
              events: [2, 3].map((quantity, j) => ({
                metric: "calls",
                customerRef,
                quantity,
                ts: isoNow(-1000),
                idempotencyKey: `${customerRef}-${j}`,
              })),
            });
      const move = () =>
        updateCustomer({ tenantId: t.tenantId, customerRef, input: { billingAnchor: anchor.toISOString() }, actor });
      // Start one or the other first, by 0–2 ms.
      const [patchDelay, usageDelay] = [
        [0, 0],
        [1, 0],
        [0, 1],
        [2, 0],
        [0, 2],
      ][i % 5];
      const later = <T>(ms: number, fn: () => Promise<T>) => new Promise((r) => setTimeout(r, ms)).then(fn);
      const [patch, used] = await Promise.allSettled([later(patchDelay, move), later(usageDelay, recordUsage)]);
      expect(used.status, JSON.stringify(used)).toBe("fulfilled");
      if (patch.status === "rejected") {
        expect(patch.reason).toBeInstanceOf(ApiError);
        expect((patch.reason as ApiError).status).toBe(409);
        refused++;
      } else {
        moved++;
      }
      const customer = await db.customer.findFirstOrThrow({ where: { tenantId: t.tenantId, customerRef } });
      const open = periodFor(new Date(), customer.billingAnchor);
      const current = await getCurrentUsage({ tenantId: t.tenantId, customerRef });
      expect(current.period.start, customerRef).toBe(open.start.toISOString());
      expect(current.metrics.find((m) => m.metric === "calls")?.value, customerRef).toBe("5");
    }
    expect(refused + moved).toBe(40);
    expect((await verifyCounters({ tenantId: t.tenantId })).differences).toEqual([]);
  });
});
