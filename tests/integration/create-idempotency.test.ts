// POST /api/v1/meters and /api/v1/prices with an Idempotency-Key (lib/api/idempotency.ts): a
// retry after a lost 201 answers the object already created, as first answered, instead of the
// 409 of a metric that already has one. Same semantics as adjustments (adjustment-idempotency.test.ts).
import { describe, expect, it } from "vitest";
import { PATCH as patchMeter } from "@/app/api/v1/meters/[metric]/route";
import { POST as postMeter } from "@/app/api/v1/meters/route";
import { PATCH as patchPrice } from "@/app/api/v1/prices/[id]/route";
import { POST as postPrice } from "@/app/api/v1/prices/route";
import { db } from "@/lib/db/client";
import { callRoute } from "../helpers/route";
import { createTestTenant, type TestTenant } from "../helpers/tenant";

type Body = Record<string, unknown>;

interface Endpoint {
  name: string;
  path: string;
  handler: typeof postMeter;
  /** A request, and the same request written another way (defaults spelled out, amounts reformatted). */
  body: Body;
  sameBodyOtherwise: Body;
  /** Requests for another object of the same metric (each must be a 409 under the key). */
  otherBodies: Body[];
  /** A body the API refuses (422), and which thus must not take the key. */
  invalidBody: Body;
  /** Objects of the tenant, counted in the database. */
  count: (tenantId: string) => Promise<number>;
  /** Changes the created object through the API; returns the field and its new value. */
  change: (t: TestTenant, created: Body) => Promise<[string, unknown]>;
}

const endpoints: Endpoint[] = [
  {
    name: "POST /api/v1/meters",
    path: "/api/v1/meters",
    handler: postMeter,
    body: { metric: "storage_gb", unit: "GB" },
    sameBodyOtherwise: {
      unit: "GB",
      displayName: "storage_gb",
      aggregation: "sum",
      stripeEventName: null,
      metric: "storage_gb",
    },
    otherBodies: [
      { metric: "storage_gb", unit: "GiB" },
      { metric: "storage_gb", unit: "GB", aggregation: "max" },
      { metric: "storage_gb", unit: "GB", displayName: "Storage" },
      { metric: "other_metric", unit: "GB" },
    ],
    invalidBody: { metric: "storage_gb", unit: "GB", uniqueBy: "userId" }, // uniqueBy needs unique_count
    count: (tenantId) => db.meter.count({ where: { tenantId } }),
    change: async (t, created) => {
      const res = await callRoute(patchMeter, {
        method: "PATCH",
        path: `/api/v1/meters/${created.metric}`,
        key: t.apiKey,
        params: { metric: created.metric as string },
        body: { displayName: "Storage (GB)" },
      });
      expect(res.status).toBe(200);
      return ["displayName", "Storage (GB)"];
    },
  },
  {
    name: "POST /api/v1/prices",
    path: "/api/v1/prices",
    handler: postPrice,
    body: { metric: "api_calls", currency: "usd", unit_amount: 5 },
    sameBodyOtherwise: { active: true, unit_amount_decimal: "5.000", currency: "usd", metric: "api_calls" },
    otherBodies: [
      { metric: "api_calls", currency: "usd", unit_amount: 6 },
      { metric: "api_calls", currency: "eur", unit_amount: 5 },
      { metric: "api_calls", currency: "usd", unit_amount: 5, active: false },
      { metric: "other_metric", currency: "usd", unit_amount: 5 },
    ],
    invalidBody: { metric: "api_calls", currency: "usd", unit_amount: 5, unit_amount_decimal: "5" }, // both forms
    count: (tenantId) => db.price.count({ where: { tenantId } }),
    change: async (t, created) => {
      const res = await callRoute(patchPrice, {
        method: "PATCH",
        path: `/api/v1/prices/${created.id}`,
        key: t.apiKey,
        params: { id: created.id as string },
        body: { active: false },
      });
      expect(res.status).toBe(200);
      return ["active", false];
    },
  },
];

const keyCount = (tenantId: string) => db.idempotencyKey.count({ where: { tenantId } });

describe.each(endpoints)("$name with an Idempotency-Key", (ep) => {
  const post = (t: TestTenant, body: unknown, key?: string) =>
    callRoute(ep.handler, {
      method: "POST",
      path: ep.path,
      key: t.apiKey,
      headers: key === undefined ? {} : { "idempotency-key": key },
      body,
    });

  it("a retry with the same key and request answers the first 201 again, marked, and creates nothing", async () => {
    const t = await createTestTenant();
    const first = await post(t, ep.body, "create-1");
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    for (const retryBody of [ep.body, ep.sameBodyOtherwise]) {
      const retry = await post(t, retryBody, "create-1");
      expect(retry.status, JSON.stringify(retryBody)).toBe(201);
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      expect(retry.body).toEqual(first.body);
    }
    expect(await ep.count(t.tenantId)).toBe(1);
    expect(await keyCount(t.tenantId)).toBe(1);
    const created = await db.auditLog.count({
      where: { tenantId: t.tenantId, action: { in: ["meter.created", "price.created"] } },
    });
    expect(created).toBe(1);
    // without the key, the retry is what it always was: a 409, the metric has one
    expect((await post(t, ep.body)).status).toBe(409);
  });

  it("after the object changed, a retry still answers the first response (as Stripe does)", async () => {
    const t = await createTestTenant();
    const first = await post(t, ep.body, "then-changed");
    expect(first.status).toBe(201);
    const [field, now] = await ep.change(t, first.body);
    expect(first.body[field]).not.toEqual(now);
    const retry = await post(t, ep.body, "then-changed");
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body); // the stored answer, not the object as it is now
    expect(await ep.count(t.tenantId)).toBe(1);
  });

  it("concurrent requests with one key create one object, and every one answers it", async () => {
    const t = await createTestTenant();
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(t, ep.body, "burst")));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(11);
    expect(await ep.count(t.tenantId)).toBe(1);
    expect(await keyCount(t.tenantId)).toBe(1);
  });

  it("the same key for another request is a 409 that writes nothing; keys are per tenant", async () => {
    const t = await createTestTenant();
    const first = await post(t, ep.body, "k1");
    expect(first.status).toBe(201);
    for (const other of ep.otherBodies) {
      const res = await post(t, other, "k1");
      expect(res.status, JSON.stringify(other)).toBe(409);
      expect(res.body.error.code).toBe("conflict");
      expect(res.body.error.message).toContain(`Idempotency-Key "k1" was already used for a different`);
      expect(res.body.error.message).toContain(first.body.id);
    }
    expect(await ep.count(t.tenantId)).toBe(1);
    expect(await keyCount(t.tenantId)).toBe(1);

    const other = await createTestTenant();
    const theirs = await post(other, ep.body, "k1"); // another tenant's own k1
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(theirs.body.id).not.toBe(first.body.id);
    expect(await ep.count(other.tenantId)).toBe(1);
  });

  it("a request that fails leaves its key unused: the corrected retry with the same key creates", async () => {
    const t = await createTestTenant();
    const invalid = await post(t, ep.invalidBody, "fix-me");
    expect(invalid.status).toBe(422);
    expect(await keyCount(t.tenantId)).toBe(0);
    const fixed = await post(t, ep.body, "fix-me");
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get("idempotent-replayed")).toBeNull();
    // failing inside the transaction does not take a key either: the metric already has one
    const exists = await post(t, ep.body, "second-key");
    expect(exists.status).toBe(409);
    expect(exists.body.error.message).not.toContain("Idempotency-Key");
    expect(await keyCount(t.tenantId)).toBe(1);
    expect(await ep.count(t.tenantId)).toBe(1);
  });

  it("refuses a malformed key with 422 naming the header, before anything is written", async () => {
    const t = await createTestTenant();
    let refused = 0;
    for (const bad of ["", "x".repeat(256), "has space", "tab\there", "é", "ключ"]) {
      const res = await post(t, ep.body, bad).catch((e: unknown) => ({
        status: -1,
        body: String(e),
        headers: new Headers(),
      }));
      if (res.status === -1) continue; // a header value the fetch API itself refuses (beyond Latin-1)
      refused++;
      expect(res.status, JSON.stringify(bad)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details[0].path).toBe("Idempotency-Key");
    }
    expect(refused).toBeGreaterThanOrEqual(5);
    expect(await ep.count(t.tenantId)).toBe(0);
    expect(await keyCount(t.tenantId)).toBe(0);
    // 255 visible ASCII characters are a key
    const longest = await post(t, ep.body, "~".repeat(255));
    expect(longest.status).toBe(201);
  });
});

describe("Idempotency-Key across the create endpoints", () => {
  it("is the tenant's: a key used for a meter is a 409 for a price, which is not created", async () => {
    const t = await createTestTenant();
    const headers = { "idempotency-key": "one-key" };
    const meter = await callRoute(postMeter, {
      method: "POST",
      path: "/api/v1/meters",
      key: t.apiKey,
      headers,
      body: { metric: "api_calls" },
    });
    expect(meter.status).toBe(201);
    const price = await callRoute(postPrice, {
      method: "POST",
      path: "/api/v1/prices",
      key: t.apiKey,
      headers,
      body: { metric: "api_calls", currency: "usd", unit_amount: 5 },
    });
    expect(price.status).toBe(409);
    expect(price.body.error.message).toContain('Idempotency-Key "one-key" was already used for POST /api/v1/meters');
    expect(await db.price.count({ where: { tenantId: t.tenantId } })).toBe(0);
  });
});
