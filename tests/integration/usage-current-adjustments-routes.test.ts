import { describe, expect, it } from "vitest";
import { GET as adjustmentsGet, POST as adjustmentsPost } from "@/app/api/v1/adjustments/route";
import { GET as getCustomer } from "@/app/api/v1/customers/[customerRef]/route";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";
import { GET as usageGet } from "@/pages/api/v1/usage/current";
import { isoNow, postIngest, verifyCountersAfterEach } from "../helpers/ingest";
import { callRoute } from "../helpers/route";
import { runCommonRouteTests } from "../helpers/security";
import { createTestTenant, type TestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

async function withUsage(owner: TestTenant, customerRef: string) {
  await postIngest(owner.apiKey, {
    events: [{ metric: "api_calls", customerRef, quantity: 3, ts: isoNow(-1000) }],
  });
}

describe("GET /api/v1/usage/current", () => {
  runCommonRouteTests({
    handler: usageGet,
    method: "GET",
    path: "/api/v1/usage/current?customerRef=cus_sec",
    scope: "usage:read",
    foreignObject: async (owner) => {
      await withUsage(owner, "cus_foreign");
      return { params: {}, path: "/api/v1/usage/current?customerRef=cus_foreign" };
    },
  });

  it("picks the anchored open period's counters, not the previous period's, and lists unused meters as 0", async () => {
    const t = await createTestTenant();
    const customerRef = "cus_anchored";
    // Anchored on the 10th at 06:00 UTC; "now" is 2026-11-12T00:00Z, so the open period
    // started 2026-11-10T06:00Z and the previous one 2026-10-10T06:00Z.
    const now = new Date("2026-11-12T00:00:00Z");
    await db.customer.create({
      data: { tenantId: t.tenantId, id: newId("cst"), customerRef, billingAnchor: new Date("2025-01-10T06:00:00Z") },
    });
    const ev = (metric: string, quantity: number, ts: string, key: string) => ({
      metric,
      customerRef,
      quantity,
      ts,
      idempotencyKey: key,
    });
    const r = await ingestEvents({
      tenantId: t.tenantId,
      now,
      events: [
        ev("api_calls", 7, "2026-11-10T05:59:59.999Z", "prev-1"),
        ev("api_calls", 5, "2026-11-10T06:00:00.000Z", "open-1"),
        ev("api_calls", 2, "2026-11-11T23:00:00.000Z", "open-2"),
        ev("storage_gb", 9, "2026-10-20T00:00:00.000Z", "prev-2"),
      ],
    });
    expect(r.accepted).toBe(4);
    await db.meter.create({ data: { tenantId: t.tenantId, id: newId("mtr"), metric: "seats", displayName: "Seats" } });
    const usage = await getCurrentUsage({ tenantId: t.tenantId, customerRef, now });
    expect(usage.period).toEqual({ start: "2026-11-10T06:00:00.000Z", end: "2026-12-10T06:00:00.000Z" });
    expect(usage.metrics.map((m) => [m.metric, m.value])).toEqual([
      ["api_calls", "7"],
      ["seats", "0"],
      ["storage_gb", "0"],
    ]);
    await expect(getCurrentUsage({ tenantId: t.tenantId, customerRef: "cus_nobody", now })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("answers the open period's counters as decimal strings, staleness 0", async () => {
    const t = await createTestTenant();
    const ingest = await postIngest(t.apiKey, {
      events: [
        { metric: "api_calls", customerRef: "cus_A", quantity: "1.25", ts: isoNow(-1000) },
        { metric: "api_calls", customerRef: "cus_A", quantity: 2, ts: isoNow(-2000) },
      ],
    });
    expect(ingest.body.accepted).toBe(2);
    const res = await callRoute(usageGet, {
      path: "/api/v1/usage/current?customerRef=cus_A",
      key: await t.keyWith(["usage:read"]),
    });
    expect(res.status).toBe(200);
    const now = new Date();
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
    expect(res.body.customerRef).toBe("cus_A");
    expect(res.body.period.start).toBe(start);
    expect(Date.parse(res.body.asOf)).toBeGreaterThan(Date.now() - 60_000);
    expect(res.body.metrics).toEqual([{ metric: "api_calls", aggregation: "sum", value: "3.25", unit: null }]);
    expect(res.body.metrics[0].cap).toBeUndefined();
  });

  it("answers 422 without customerRef and 404 for an unknown customer", async () => {
    const t = await createTestTenant();
    const missing = await callRoute(usageGet, { path: "/api/v1/usage/current", key: t.apiKey });
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toContain("customerRef");
    const unknown = await callRoute(usageGet, { path: "/api/v1/usage/current?customerRef=nobody", key: t.apiKey });
    expect(unknown.status).toBe(404);
    // A misspelt parameter is refused, as on every other query (API.md).
    const misspelt = await callRoute(usageGet, {
      path: "/api/v1/usage/current?customerRef=nobody&cutomerRef=x",
      key: t.apiKey,
    });
    expect(misspelt.status).toBe(422);
    expect(misspelt.body.error.message).toContain("cutomerRef");
  });
});

describe("/api/v1/adjustments", () => {
  runCommonRouteTests({
    handler: adjustmentsGet,
    method: "GET",
    path: "/api/v1/adjustments",
    scope: "admin",
  });
  runCommonRouteTests({
    handler: adjustmentsPost,
    method: "POST",
    path: "/api/v1/adjustments",
    scope: "admin",
    body: { metric: "api_calls", customerRef: "cus_sec", delta: 1, reason: "security" },
    foreignObject: async (owner) => {
      await withUsage(owner, "cus_foreign");
      const created = await callRoute(adjustmentsPost, {
        method: "POST",
        path: "/api/v1/adjustments",
        key: owner.apiKey,
        body: { metric: "api_calls", customerRef: "cus_foreign", delta: 1, reason: "to revert" },
      });
      expect(created.status).toBe(201);
      return { params: {}, path: "/api/v1/adjustments", body: { revertsId: created.body.id, reason: "revert" } };
    },
  });

  it("refuses a body tenantId of another tenant", async () => {
    const t = await createTestTenant();
    await withUsage(t, "cus_1");
    const res = await callRoute(adjustmentsPost, {
      method: "POST",
      path: "/api/v1/adjustments",
      key: t.apiKey,
      body: { metric: "api_calls", customerRef: "cus_1", delta: 1, reason: "r", tenantId: "ten_other" },
    });
    expect(res.status).toBe(403);
  });

  it("refuses a JSON-number delta that a double cannot hold exactly, as ingest refuses such a quantity", async () => {
    const t = await createTestTenant();
    await withUsage(t, "cus_1");
    const post = (delta: string) =>
      callRoute(adjustmentsPost, {
        method: "POST",
        path: "/api/v1/adjustments",
        key: t.apiKey,
        body: `{"metric":"api_calls","customerRef":"cus_1","reason":"r","delta":${delta}}`,
      });
    // JSON.parse turns these into 12345678901.123455 and 9007199254740992: never what was sent.
    for (const delta of ["12345678901.123456", "-9007199254740993"]) {
      const res = await post(delta);
      expect(res.status).toBe(422);
      expect(res.body.error.details[0].path).toBe("delta");
    }
    // as a decimal string it is exact; a number of up to 15 significant digits is too
    expect((await post('"12345678901.123456"')).body.delta).toBe("12345678901.123456");
    expect((await post("-1.5")).body.delta).toBe("-1.5");
    const adjustments = await callRoute(adjustmentsGet, {
      path: "/api/v1/adjustments?customerRef=cus_1",
      key: t.apiKey,
    });
    expect(adjustments.body.data.map((a: { delta: string }) => a.delta)).toEqual(["-1.5", "12345678901.123456"]);
  });

  it("lists adjustments newest first with cursor pagination and filters", async () => {
    const t = await createTestTenant();
    await withUsage(t, "cus_1");
    await withUsage(t, "cus_2");
    const ids: string[] = [];
    for (const [customerRef, delta] of [
      ["cus_1", 1],
      ["cus_2", 2],
      ["cus_1", 3],
    ] as const) {
      const r = await callRoute(adjustmentsPost, {
        method: "POST",
        path: "/api/v1/adjustments",
        key: t.apiKey,
        body: { metric: "api_calls", customerRef, delta, reason: `r${delta}` },
      });
      ids.push(r.body.id);
    }
    const page1 = await callRoute(adjustmentsGet, { path: "/api/v1/adjustments?limit=2", key: t.apiKey });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body.data[0]).toMatchObject({ metric: "api_calls", customerRef: "cus_1", delta: "3", reason: "r3" });
    const page2 = await callRoute(adjustmentsGet, {
      path: `/api/v1/adjustments?limit=2&cursor=${page1.body.nextCursor}`,
      key: t.apiKey,
    });
    expect(page2.body.data.map((a: { id: string }) => a.id)).toEqual([ids[0]]);
    expect(page2.body.nextCursor).toBeNull();
    const filtered = await callRoute(adjustmentsGet, { path: "/api/v1/adjustments?customerRef=cus_2", key: t.apiKey });
    expect(filtered.body.data.map((a: { id: string }) => a.id)).toEqual([ids[1]]);
    const badCursor = await callRoute(adjustmentsGet, { path: "/api/v1/adjustments?cursor=zzz", key: t.apiKey });
    expect(badCursor.status).toBe(422);
  });
});

describe("customerRef length", () => {
  it("counts a character outside the BMP as one: 255 emoji are a customerRef everywhere, 256 nowhere", async () => {
    const t = await createTestTenant();
    const ref = "😀".repeat(255); // 510 UTF-16 units
    const tooLong = "😀".repeat(256);
    const ingest = await postIngest(t.apiKey, {
      events: [
        { metric: "api_calls", customerRef: ref, quantity: 3, ts: isoNow(-1000), idempotencyKey: "emoji" },
        { metric: "api_calls", customerRef: tooLong, quantity: 3, ts: isoNow(-1000), idempotencyKey: "too-long" },
      ],
    });
    expect(ingest.body.results.map((r: { status: string }) => r.status)).toEqual(["accepted", "rejected"]);
    expect(ingest.body.results[1].error.message).toContain(
      "events[1].customerRef: must be a string of 1–255 characters",
    );
    const query = (r: string) => `customerRef=${encodeURIComponent(r)}`;
    const usage = await callRoute(usageGet, { path: `/api/v1/usage/current?${query(ref)}`, key: t.apiKey });
    expect(usage.status).toBe(200);
    expect(usage.body.customerRef).toBe(ref);
    expect(usage.body.metrics).toEqual([expect.objectContaining({ metric: "api_calls", value: "3" })]);
    const adjust = (customerRef: string) =>
      callRoute(adjustmentsPost, {
        method: "POST",
        path: "/api/v1/adjustments",
        key: t.apiKey,
        body: { metric: "api_calls", customerRef, delta: 2, reason: "emoji" },
      });
    expect((await adjust(ref)).status).toBe(201);
    const listed = await callRoute(adjustmentsGet, { path: `/api/v1/adjustments?${query(ref)}`, key: t.apiKey });
    expect(listed.body.data).toEqual([expect.objectContaining({ customerRef: ref, delta: "2" })]);
    const customer = await callRoute(getCustomer, {
      path: `/api/v1/customers/${encodeURIComponent(ref)}`,
      key: t.apiKey,
      params: { customerRef: ref },
    });
    expect(customer.status).toBe(200);
    expect(customer.body.customerRef).toBe(ref);
    for (const res of [
      await callRoute(usageGet, { path: `/api/v1/usage/current?${query(tooLong)}`, key: t.apiKey }),
      await adjust(tooLong),
      await callRoute(adjustmentsGet, { path: `/api/v1/adjustments?${query(tooLong)}`, key: t.apiKey }),
      await callRoute(getCustomer, {
        path: `/api/v1/customers/${encodeURIComponent(tooLong)}`,
        key: t.apiKey,
        params: { customerRef: tooLong },
      }),
    ]) {
      expect(res.status).toBe(422);
      expect(res.body.error.message).toContain("customerRef");
    }
  });
});
