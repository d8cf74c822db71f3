import { describe, expect, it } from "vitest";
import { GET as getPrice, PATCH as patchPrice } from "@/app/api/v1/prices/[id]/route";
import { POST as createPrice, GET as listPrices } from "@/app/api/v1/prices/route";
import { db } from "@/lib/db/client";
import { ZPrice } from "@/lib/pricing/schemas";
import { callRoute } from "../helpers/route";
import { runCommonRouteTests } from "../helpers/security";
import { createTestTenant, type TestTenant } from "../helpers/tenant";

const post = (t: TestTenant, body: unknown) =>
  callRoute(createPrice, { method: "POST", path: "/api/v1/prices", key: t.apiKey, body });
const patch = (t: TestTenant, id: string, body: unknown) =>
  callRoute(patchPrice, { method: "PATCH", path: `/api/v1/prices/${id}`, key: t.apiKey, body, params: { id } });

const foreignPrice = async (owner: TestTenant) => {
  const res = await post(owner, { metric: "secret_metric", currency: "usd", unit_amount: 5 });
  return { params: { id: res.body.id as string }, path: `/api/v1/prices/${res.body.id}` };
};

describe("GET /api/v1/prices", () => {
  runCommonRouteTests({ handler: listPrices, method: "GET", path: "/api/v1/prices", scope: "admin" });
});
describe("POST /api/v1/prices", () => {
  runCommonRouteTests({
    handler: createPrice,
    method: "POST",
    path: "/api/v1/prices",
    scope: "admin",
    body: { metric: "sec_test", currency: "usd", unit_amount: 1 },
  });
});
describe("GET /api/v1/prices/{id}", () => {
  runCommonRouteTests({
    handler: getPrice,
    method: "GET",
    path: "/api/v1/prices/prc_unknown",
    params: { id: "prc_unknown" },
    scope: "admin",
    foreignObject: foreignPrice,
  });
});
describe("PATCH /api/v1/prices/{id}", () => {
  runCommonRouteTests({
    handler: patchPrice,
    method: "PATCH",
    path: "/api/v1/prices/prc_unknown",
    params: { id: "prc_unknown" },
    body: { active: true },
    scope: "admin",
    foreignObject: foreignPrice,
  });
});

describe("prices API", () => {
  it("creates a tiered price with Stripe's fields and returns it as Stripe shows it", async () => {
    const t = await createTestTenant();
    const res = await post(t, {
      metric: "api_calls",
      currency: "USD",
      billing_scheme: "tiered",
      tiers_mode: "graduated",
      tiers: [
        { up_to: 1000, flat_amount: 2000 },
        { up_to: "inf", unit_amount_decimal: "0.25" },
      ],
    });
    expect(res.status).toBe(201);
    const price = ZPrice.parse(res.body);
    expect(price.id).toMatch(/^prc_[0-9A-Za-z]{20}$/);
    expect(price).toMatchObject({
      metric: "api_calls",
      currency: "usd",
      billing_scheme: "tiered",
      unit_amount: null,
      unit_amount_decimal: null,
      tiers_mode: "graduated",
      tiers: [
        { up_to: 1000, unit_amount: null, unit_amount_decimal: null, flat_amount: 2000, flat_amount_decimal: "2000" },
        { up_to: "inf", unit_amount: null, unit_amount_decimal: "0.25", flat_amount: null, flat_amount_decimal: null },
      ],
      transform_quantity: null,
      active: true,
      source: "local",
      stripePriceId: null,
    });
    const got = await callRoute(getPrice, {
      path: `/api/v1/prices/${price.id}`,
      key: t.apiKey,
      params: { id: price.id },
    });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    const audit = await db.auditLog.findFirst({
      where: { tenantId: t.tenantId, action: "price.created", targetId: price.id },
    });
    expect(audit).not.toBeNull();
  });

  it("answers 409 to a second price for the same metric and keeps the first", async () => {
    const t = await createTestTenant();
    const first = await post(t, { metric: "storage_gb", currency: "usd", unit_amount_decimal: "1.5" });
    expect(first.status).toBe(201);
    const second = await post(t, { metric: "storage_gb", currency: "eur", unit_amount: 3 });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("conflict");
    const rows = await db.price.findMany({ where: { tenantId: t.tenantId, metric: "storage_gb" } });
    expect(rows.map((r) => r.currency)).toEqual(["usd"]);
    // another tenant may price the same metric
    const other = await createTestTenant();
    expect((await post(other, { metric: "storage_gb", currency: "usd", unit_amount: 1 })).status).toBe(201);
  });

  it("refuses invalid prices with 422 and the field path, storing nothing", async () => {
    const t = await createTestTenant();
    const cases: Array<[unknown, string]> = [
      [
        { metric: "a", currency: "usd", unit_amount: 1, unit_amount_decimal: "1" },
        "unit_amount_decimal: only one of unit_amount and unit_amount_decimal can be set",
      ],
      [
        { metric: "a", currency: "usd", unit_amount_decimal: "0.1234567890123" },
        "unit_amount_decimal: must be a non-negative decimal string with at most 12 decimal places",
      ],
      [
        {
          metric: "a",
          currency: "usd",
          billing_scheme: "tiered",
          tiers_mode: "volume",
          tiers: [{ up_to: 5, unit_amount: 1 }],
        },
        'tiers[0].up_to: the last tier must have up_to "inf"',
      ],
      [
        // Not a decimal at all: refused like any malformed amount (it answered 500).
        {
          metric: "a",
          currency: "usd",
          billing_scheme: "tiered",
          tiers_mode: "graduated",
          tiers: [{ up_to: "inf", flat_amount_decimal: "12,50" }],
        },
        "tiers[0].flat_amount_decimal: must be a non-negative decimal string with at most 12 decimal places",
      ],
      [{ metric: "Bad Metric", currency: "usd", unit_amount: 1 }, "metric: must match ^[a-z][a-z0-9_.-]{0,63}$"],
      [{ metric: "a", currency: "usd", unit_amount: 1, colour: "red" }, 'Unrecognized key: "colour"'],
    ];
    for (const [body, message] of cases) {
      const res = await post(t, body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message).toBe(message);
    }
    const bad = await post(t, "{not json");
    expect(bad.status).toBe(400);
    expect(await db.price.count({ where: { tenantId: t.tenantId } })).toBe(0);
  });

  it("lists prices by metric with cursor pagination", async () => {
    const t = await createTestTenant();
    for (const metric of ["c_metric", "a_metric", "b_metric"]) {
      expect((await post(t, { metric, currency: "usd", unit_amount: 1 })).status).toBe(201);
    }
    const page1 = await callRoute(listPrices, { path: "/api/v1/prices?limit=2", key: t.apiKey });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((p: { metric: string }) => p.metric)).toEqual(["a_metric", "b_metric"]);
    const page2 = await callRoute(listPrices, {
      path: `/api/v1/prices?limit=2&cursor=${page1.body.nextCursor}`,
      key: t.apiKey,
    });
    expect(page2.body.data.map((p: { metric: string }) => p.metric)).toEqual(["c_metric"]);
    expect(page2.body.nextCursor).toBeNull();
    const bad = await callRoute(listPrices, { path: "/api/v1/prices?cursor=zzz", key: t.apiKey });
    expect(bad.status).toBe(422);
  });

  it("PATCH replaces one amount form with the other, switches scheme, and validates the result", async () => {
    const t = await createTestTenant();
    const { body: created } = await post(t, { metric: "seats", currency: "usd", unit_amount_decimal: "0.5" });
    const r1 = await patch(t, created.id, { unit_amount: 700 });
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ unit_amount: 700, unit_amount_decimal: "700", billing_scheme: "per_unit" });

    const r2 = await patch(t, created.id, {
      billing_scheme: "tiered",
      tiers_mode: "volume",
      tiers: [
        { up_to: 5, unit_amount: 700 },
        { up_to: "inf", unit_amount: 600 },
      ],
    });
    expect(r2.status).toBe(200);
    expect(r2.body).toMatchObject({
      billing_scheme: "tiered",
      unit_amount: null,
      unit_amount_decimal: null,
      tiers_mode: "volume",
    });

    // tiers only: tiers_mode is kept
    const r3 = await patch(t, created.id, { tiers: [{ up_to: "inf", unit_amount: 550 }] });
    expect(r3.status).toBe(200);
    expect(r3.body.tiers_mode).toBe("volume");
    expect(r3.body.tiers).toEqual([
      { up_to: "inf", unit_amount: 550, unit_amount_decimal: "550", flat_amount: null, flat_amount_decimal: null },
    ]);

    const bad = await patch(t, created.id, { transform_quantity: { divide_by: 10, round: "up" } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toBe("transform_quantity: transform_quantity cannot be combined with tiers");

    const back = await patch(t, created.id, {
      billing_scheme: "per_unit",
      unit_amount: 1000,
      transform_quantity: { divide_by: 5, round: "up" },
    });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({
      tiers: null,
      tiers_mode: null,
      unit_amount: 1000,
      transform_quantity: { divide_by: 5, round: "up" },
    });

    const off = await patch(t, created.id, { active: false, stripePriceId: "price_1Abc" });
    expect(off.body).toMatchObject({ active: false, stripePriceId: "price_1Abc", unit_amount: 1000 });
    const audits = await db.auditLog.count({
      where: { tenantId: t.tenantId, action: "price.updated", targetId: created.id },
    });
    expect(audits).toBe(5);
  });

  it("answers 404 to PATCH of an unknown price and 422 to a malformed id", async () => {
    const t = await createTestTenant();
    expect((await patch(t, "prc_doesnotexist", { active: false })).status).toBe(404);
    expect((await patch(t, "nope", { active: false })).status).toBe(422);
  });
});
