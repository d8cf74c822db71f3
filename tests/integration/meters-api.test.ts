import { describe, expect, it } from "vitest";
import { GET as getMeter, PATCH as patchMeter } from "@/app/api/v1/meters/[metric]/route";
import { POST as createMeter, GET as listMeters } from "@/app/api/v1/meters/route";
import { db } from "@/lib/db/client";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { ZMeter } from "@/lib/meters/schemas";
import { verifyCountersAfterEach } from "../helpers/ingest";
import { callRoute } from "../helpers/route";
import { runCommonRouteTests } from "../helpers/security";
import { createTestTenant, type TestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

async function newMeter(t: TestTenant, body: Record<string, unknown>) {
  return callRoute(createMeter, { method: "POST", path: "/api/v1/meters", key: t.apiKey, body });
}

const foreignMeter = async (owner: TestTenant) => {
  await newMeter(owner, { metric: "secret_metric", aggregation: "max" });
  return { params: { metric: "secret_metric" }, path: "/api/v1/meters/secret_metric" };
};

describe("GET /api/v1/meters", () => {
  runCommonRouteTests({ handler: listMeters, method: "GET", path: "/api/v1/meters", scope: "admin" });
});
describe("POST /api/v1/meters", () => {
  runCommonRouteTests({
    handler: createMeter,
    method: "POST",
    path: "/api/v1/meters",
    scope: "admin",
    body: { metric: "sec_test" },
  });
});
describe("GET /api/v1/meters/{metric}", () => {
  runCommonRouteTests({
    handler: getMeter,
    method: "GET",
    path: "/api/v1/meters/api_calls",
    params: { metric: "api_calls" },
    scope: "admin",
    foreignObject: foreignMeter,
  });
});
describe("PATCH /api/v1/meters/{metric}", () => {
  runCommonRouteTests({
    handler: patchMeter,
    method: "PATCH",
    path: "/api/v1/meters/api_calls",
    params: { metric: "api_calls" },
    body: { displayName: "Renamed" },
    scope: "admin",
    foreignObject: foreignMeter,
  });
});

describe("meters API", () => {
  it("creates a meter with defaults, returns it by metric, and audit-logs the creation", async () => {
    const t = await createTestTenant();
    const res = await newMeter(t, { metric: "api_calls", unit: "calls", stripeEventName: "api_calls" });
    expect(res.status).toBe(201);
    const meter = ZMeter.parse(res.body);
    expect(meter).toMatchObject({
      metric: "api_calls",
      displayName: "api_calls",
      aggregation: "sum",
      unit: "calls",
      stripeEventName: "api_calls",
      uniqueBy: null,
    });
    expect(meter.id).toMatch(/^mtr_/);
    const got = await callRoute(getMeter, {
      path: "/api/v1/meters/api_calls",
      key: t.apiKey,
      params: { metric: "api_calls" },
    });
    expect(got.body).toEqual(res.body);
    const audit = await db.auditLog.findMany({ where: { tenantId: t.tenantId, action: "meter.created" } });
    expect(audit.map((a) => a.targetId)).toEqual([meter.id]);
  });

  it("answers 409 for a duplicate metric and keeps the first meter unchanged", async () => {
    const t = await createTestTenant();
    expect((await newMeter(t, { metric: "seats", aggregation: "max" })).status).toBe(201);
    const dup = await newMeter(t, { metric: "seats", aggregation: "sum" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("conflict");
    expect(dup.body.error.message).toContain('"seats"');
    const meter = await db.meter.findUnique({ where: { tenantId_metric: { tenantId: t.tenantId, metric: "seats" } } });
    expect(meter?.aggregation).toBe("max");
  });

  it("lets two tenants define the same metric independently", async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    expect((await newMeter(a, { metric: "storage", aggregation: "max" })).status).toBe(201);
    expect((await newMeter(b, { metric: "storage", aggregation: "last" })).status).toBe(201);
  });

  it("refuses unknown fields, bad metrics, bad aggregations and a misplaced uniqueBy with 422", async () => {
    const t = await createTestTenant();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ metric: "ok_metric", agregation: "max" }, "agregation"],
      [{ metric: "Bad Metric" }, "metric"],
      [{ metric: "ok_metric", aggregation: "avg" }, "aggregation"],
      [{ metric: "ok_metric", aggregation: "sum", uniqueBy: "user" }, "uniqueBy"],
      [{ metric: "ok_metric", displayName: "" }, "displayName"],
    ];
    for (const [body, field] of cases) {
      const res = await newMeter(t, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message).toContain(field);
    }
    const invalidJson = await callRoute(createMeter, {
      method: "POST",
      path: "/api/v1/meters",
      key: t.apiKey,
      body: "{nope",
    });
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.body.error.code).toBe("invalid_json");
    expect(await db.meter.count({ where: { tenantId: t.tenantId } })).toBe(0);
  });

  it("answers 403 when the body names another tenant", async () => {
    const t = await createTestTenant();
    const res = await newMeter(t, { metric: "x_metric", tenantId: "ten_someoneElse" });
    expect(res.status).toBe(403);
  });

  it("pages through meters in metric order without duplicates or gaps", async () => {
    const t = await createTestTenant();
    const metrics = Array.from({ length: 7 }, (_, i) => `m_${String(i).padStart(2, "0")}`).reverse();
    for (const metric of metrics) expect((await newMeter(t, { metric })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : "?limit=3";
      const page = await callRoute(listMeters, { path: `/api/v1/meters${qs}`, key: t.apiKey });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((m: { metric: string }) => m.metric));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...metrics].sort());
  });

  it("refuses a malformed cursor and an out-of-range limit with 422", async () => {
    const t = await createTestTenant();
    // A forged cursor holding text Postgres cannot store (U+0000) is the client's error too.
    const nul = Buffer.from(JSON.stringify({ m: "\u0000" })).toString("base64url");
    for (const qs of [
      "?cursor=not-a-cursor",
      `?cursor=${nul}`,
      "?limit=0",
      "?limit=1001",
      "?limit=abc",
      "?colour=red",
    ]) {
      const res = await callRoute(listMeters, { path: `/api/v1/meters${qs}`, key: t.apiKey });
      expect(res.status, qs).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
  });

  it("updates display name, unit and Stripe event name, and clears nullable fields", async () => {
    const t = await createTestTenant();
    await newMeter(t, { metric: "api_calls", unit: "calls" });
    const res = await callRoute(patchMeter, {
      method: "PATCH",
      path: "/api/v1/meters/api_calls",
      key: t.apiKey,
      params: { metric: "api_calls" },
      body: { displayName: "API calls", unit: null, stripeEventName: "api_requests" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ displayName: "API calls", unit: null, stripeEventName: "api_requests" });
  });

  it("allows changing the aggregation of a meter with no usage", async () => {
    const t = await createTestTenant();
    await newMeter(t, { metric: "seats" });
    const res = await callRoute(patchMeter, {
      method: "PATCH",
      path: "/api/v1/meters/seats",
      key: t.apiKey,
      params: { metric: "seats" },
      body: { aggregation: "unique_count", uniqueBy: "userId" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ aggregation: "unique_count", uniqueBy: "userId" });
  });

  it("refuses with 409 to change the aggregation or uniqueBy of a meter that already has events", async () => {
    const t = await createTestTenant();
    await newMeter(t, { metric: "users", aggregation: "unique_count", uniqueBy: "userId" });
    const out = await ingestEvents({
      tenantId: t.tenantId,
      events: [
        { metric: "users", customerRef: "cus_1", quantity: 1, ts: new Date().toISOString(), meta: { userId: "u1" } },
      ],
    });
    expect(out.accepted).toBe(1);
    for (const body of [{ aggregation: "sum" }, { uniqueBy: "email" }, { uniqueBy: null }]) {
      const res = await callRoute(patchMeter, {
        method: "PATCH",
        path: "/api/v1/meters/users",
        key: t.apiKey,
        params: { metric: "users" },
        body,
      });
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(res.body.error.code).toBe("conflict");
      expect(res.body.error.message).toContain("would change the meaning of its existing counters");
    }
    // Same value again is not a change, and cosmetic fields stay editable.
    const same = await callRoute(patchMeter, {
      method: "PATCH",
      path: "/api/v1/meters/users",
      key: t.apiKey,
      params: { metric: "users" },
      body: { aggregation: "unique_count", displayName: "Active users" },
    });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ aggregation: "unique_count", uniqueBy: "userId", displayName: "Active users" });
    const audits = await db.auditLog.findMany({ where: { tenantId: t.tenantId, action: "meter.updated" } });
    expect(audits.map((a) => a.data)).toEqual([{ metric: "users", changes: ["displayName"] }]);
  });

  it("refuses a renamed metric or unknown field in a PATCH with 422, and an unknown meter with 404", async () => {
    const t = await createTestTenant();
    await newMeter(t, { metric: "api_calls" });
    const renamed = await callRoute(patchMeter, {
      method: "PATCH",
      path: "/api/v1/meters/api_calls",
      key: t.apiKey,
      params: { metric: "api_calls" },
      body: { metric: "other" },
    });
    expect(renamed.status).toBe(422);
    const missing = await callRoute(patchMeter, {
      method: "PATCH",
      path: "/api/v1/meters/nope",
      key: t.apiKey,
      params: { metric: "nope" },
      body: { displayName: "x" },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });
});
