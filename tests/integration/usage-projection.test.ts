import { describe, expect, it } from "vitest";
import { POST as createPriceRoute } from "@/app/api/v1/prices/route";
import { createAdjustment } from "@/lib/adjustments/create-adjustment";
import { periodFor } from "@/lib/billing/period";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { ZUsageProjection } from "@/lib/openapi/operations/projection";
import { calculatePrice } from "@/lib/pricing/calculate-price";
import { ZPriceDefinition } from "@/lib/pricing/price-schema";
import { projectUsage } from "@/lib/projection/project-usage";
import { POST as projectionRoute } from "@/pages/api/v1/usage/projection";
import { verifyCountersAfterEach } from "../helpers/ingest";
import { callRoute } from "../helpers/route";
import { runCommonRouteTests } from "../helpers/security";
import { createTestTenant, type TestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

const DAY = 24 * 60 * 60 * 1000;

async function price(t: TestTenant, body: Record<string, unknown>) {
  const res = await callRoute(createPriceRoute, { method: "POST", path: "/api/v1/prices", key: t.apiKey, body });
  expect(res.status).toBe(201);
  return res.body;
}

async function ingest(t: TestTenant, now: Date, events: Array<[string, string, number | string, Date]>) {
  const out = await ingestEvents({
    tenantId: t.tenantId,
    now,
    events: events.map(([metric, customerRef, quantity, ts]) => ({
      metric,
      customerRef,
      quantity,
      ts: ts.toISOString(),
    })),
  });
  expect(out.accepted).toBe(events.length);
}

const project = (t: TestTenant, body: unknown) =>
  callRoute(projectionRoute, { method: "POST", path: "/api/v1/usage/projection", key: t.apiKey, body });

describe("POST /api/v1/usage/projection", () => {
  runCommonRouteTests({
    handler: projectionRoute,
    method: "POST",
    path: "/api/v1/usage/projection",
    scope: "usage:read",
    body: { customerRef: "cus_nobody" },
    foreignObject: async (owner) => {
      await db.customer.create({ data: { tenantId: owner.tenantId, id: newId("cst"), customerRef: "cus_private" } });
      return { params: {}, path: "/api/v1/usage/projection", body: { customerRef: "cus_private" } };
    },
  });
});

describe("usage projection", () => {
  it("prices a mid-period customer's usage as Stripe would and forecasts the period end", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-11-11T00:00:00Z"); // 10 of November's 30 days elapsed
    await db.meter.create({
      data: {
        tenantId: t.tenantId,
        id: newId("mtr"),
        metric: "storage_gb",
        displayName: "Storage",
        aggregation: "max",
      },
    });
    await price(t, {
      metric: "api_calls",
      currency: "usd",
      billing_scheme: "tiered",
      tiers_mode: "graduated",
      tiers: [
        { up_to: 1000, flat_amount: 2000 },
        { up_to: "inf", unit_amount_decimal: "0.5" },
      ],
    });
    await price(t, { metric: "storage_gb", currency: "usd", unit_amount: 25 });
    await price(t, { metric: "builds", currency: "usd", unit_amount: 10 });
    await ingest(t, now, [
      ["api_calls", "cus_mid", 1000, new Date("2026-11-02T10:00:00Z")],
      ["api_calls", "cus_mid", 500, new Date("2026-11-09T10:00:00Z")],
      ["storage_gb", "cus_mid", "12.5", new Date("2026-11-03T00:00:00Z")],
      ["storage_gb", "cus_mid", 4, new Date("2026-11-10T00:00:00Z")],
      ["builds", "cus_mid", 10, new Date("2026-11-01T00:00:00Z")],
      ["builds", "cus_mid", 200, new Date("2026-11-10T12:00:00Z")],
      ["emails", "cus_mid", 42, new Date("2026-11-05T00:00:00Z")],
      // another customer's usage never leaks into this projection
      ["api_calls", "cus_other", 99999, new Date("2026-11-09T00:00:00Z")],
    ]);

    const p = await projectUsage({ tenantId: t.tenantId, customerRef: "cus_mid", now });
    expect(p.period).toEqual({ start: "2026-11-01T00:00:00.000Z", end: "2026-12-01T00:00:00.000Z" });
    expect(p.currency).toBe("usd");
    expect(p.freshness).toEqual({ asOf: now.toISOString(), stalenessSeconds: 0 });
    const line = (metric: string) => p.lineItems.find((l) => l.metric === metric)!;
    expect(p.lineItems.map((l) => l.metric)).toEqual(["api_calls", "builds", "emails", "storage_gb"]);

    // graduated: 2000 flat for the first 1000 + 500 × 0.5 = 2250 cents
    expect(line("api_calls")).toMatchObject({ quantity: "1500", amount: 2250 });
    // linear 150/day beats trailing (500 in 7 days): 1500 + 150 × 20 = 4500 -> 2000 + 3500 × 0.5
    expect(line("api_calls")).toMatchObject({ projectedQuantity: "4500", projectedAmount: 3750 });
    expect(line("api_calls").forecast).toMatchObject({
      method: "run_rate",
      rateBasis: "period_to_date",
      periodToDateRatePerDay: "150",
      trailing7dRatePerDay: "71.428571",
      trailingWindow: { start: "2026-11-04T00:00:00.000Z", end: now.toISOString(), quantity: "500" },
      elapsedDays: "10",
      remainingDays: "20",
    });
    expect(line("api_calls").pricing?.breakdown.map((b) => b.amountDecimal)).toEqual(["2000", "250"]);

    // trailing 7 days (200) beats linear (210 over 10 days): 210 + 200/7 × 20 = 781.428571
    expect(line("builds")).toMatchObject({ quantity: "210", amount: 2100, projectedQuantity: "781.428571" });
    expect(line("builds").projectedAmount).toBe(7814);
    expect(line("builds").forecast).toMatchObject({ rateBasis: "trailing_7d" });

    // max meter: 12.5 GB × 25 cents = 312.5 -> 313; a max does not grow with time
    expect(line("storage_gb")).toMatchObject({
      quantity: "12.5",
      amount: 313,
      projectedQuantity: "12.5",
      projectedAmount: 313,
    });
    expect(line("storage_gb").forecast.method).toBe("current_value");

    // unpriced metric: visible, never a silent 0, left out of the totals
    expect(line("emails")).toMatchObject({
      quantity: "42",
      amount: null,
      projectedAmount: null,
      reasonCode: "no_price",
    });
    expect(line("emails").reason).toMatch(/no price/);

    expect(p.subtotal).toBe(2250 + 2100 + 313);
    expect(p.total).toBe(p.subtotal);
    expect(p.projectedTotal).toBe(3750 + 7814 + 313);
  });

  it("includes priced metrics without usage (a base fee is still owed) and honours the billing anchor", async () => {
    const t = await createTestTenant();
    const anchor = new Date("2026-01-15T12:00:00Z");
    await db.customer.create({
      data: { tenantId: t.tenantId, id: newId("cst"), customerRef: "cus_anchor", billingAnchor: anchor },
    });
    await price(t, {
      metric: "seats",
      currency: "eur",
      billing_scheme: "tiered",
      tiers_mode: "volume",
      tiers: [
        { up_to: 10, unit_amount: 500, flat_amount: 1000 },
        { up_to: "inf", unit_amount: 400 },
      ],
    });
    const now = new Date("2026-11-20T12:00:00Z");
    const p = await projectUsage({ tenantId: t.tenantId, customerRef: "cus_anchor", now });
    expect(p.period).toEqual({ start: "2026-11-15T12:00:00.000Z", end: "2026-12-15T12:00:00.000Z" });
    expect(p.lineItems).toHaveLength(1);
    expect(p.lineItems[0]).toMatchObject({
      metric: "seats",
      quantity: "0",
      amount: 1000,
      projectedQuantity: "0",
      projectedAmount: 1000,
    });
    expect(p.currency).toBe("eur");
    expect(p.total).toBe(1000);
  });

  it("explains inactive prices and prices in a second currency instead of adding them up", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-11-11T00:00:00Z");
    await price(t, { metric: "a_usd", currency: "usd", unit_amount: 1 });
    await price(t, { metric: "b_usd", currency: "usd", unit_amount: 2 });
    await price(t, { metric: "c_jpy", currency: "jpy", unit_amount: 3 });
    const inactive = await price(t, { metric: "d_off", currency: "usd", unit_amount: 4, active: false });
    expect(inactive.active).toBe(false);
    await ingest(t, now, [
      ["a_usd", "cus_x", 10, new Date("2026-11-10T00:00:00Z")],
      ["b_usd", "cus_x", 10, new Date("2026-11-10T00:00:00Z")],
      ["c_jpy", "cus_x", 10, new Date("2026-11-10T00:00:00Z")],
      ["d_off", "cus_x", 10, new Date("2026-11-10T00:00:00Z")],
    ]);
    const p = await projectUsage({ tenantId: t.tenantId, customerRef: "cus_x", now });
    expect(p.currency).toBe("usd");
    expect(p.lineItems.map((l) => [l.metric, l.amount, l.reasonCode ?? null])).toEqual([
      ["a_usd", 10, null],
      ["b_usd", 20, null],
      ["c_jpy", null, "currency_mismatch"],
      ["d_off", null, "price_inactive"],
    ]);
    expect(p.total).toBe(30);
  });

  it("lets a correction made this week lower the trailing rate as it lowers the counter", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-11-11T00:00:00Z"); // 10 of November's 30 days elapsed
    await price(t, { metric: "api_calls", currency: "usd", unit_amount: 1 });
    await ingest(t, now, [["api_calls", "cus_fix", 100, new Date("2026-11-09T10:00:00Z")]]);
    const before = await projectUsage({ tenantId: t.tenantId, customerRef: "cus_fix", now });
    // 100 in the 7-day window: 100/7 a day beats 100/10 → 100 + 20 × 100/7
    expect(before.lineItems[0]).toMatchObject({ quantity: "100", projectedQuantity: "385.714286" });
    // 90 of those units were reported by mistake.
    await createAdjustment({
      tenantId: t.tenantId,
      input: { metric: "api_calls", customerRef: "cus_fix", delta: "-90", reason: "double-reported by a bug" },
      actor: { type: "system", id: "test" },
      now,
    });
    const after = await projectUsage({ tenantId: t.tenantId, customerRef: "cus_fix", now });
    // 10 in the window now: 10/7 a day beats 10/10 → 10 + 20 × 10/7, not 10 + 20 × 100/7
    expect(after.lineItems[0]).toMatchObject({ quantity: "10", amount: 10, projectedQuantity: "38.571429" });
    expect(after.lineItems[0].forecast).toMatchObject({
      rateBasis: "trailing_7d",
      trailing7dRatePerDay: "1.428571",
      trailingWindow: { quantity: "10" },
    });
  });

  it("bills a customer in the currency of the prices it uses, whatever other prices the tenant has", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-11-11T00:00:00Z");
    await price(t, { metric: "a_usd", currency: "usd", unit_amount: 10 });
    await price(t, { metric: "b_eur", currency: "eur", unit_amount: 10 });
    await ingest(t, now, [["b_eur", "cus_eu", 100, new Date("2026-11-10T00:00:00Z")]]);
    const eu = await projectUsage({ tenantId: t.tenantId, customerRef: "cus_eu", now });
    expect(eu.currency).toBe("eur");
    expect(eu.lineItems.map((l) => [l.metric, l.amount, l.reasonCode ?? null])).toEqual([
      ["a_usd", null, "currency_mismatch"],
      ["b_eur", 1000, null],
    ]);
    expect(eu.total).toBe(1000);
    // More usd prices, unused by this customer, change nothing for it.
    await price(t, { metric: "c_usd", currency: "usd", unit_amount: 10 });
    expect((await projectUsage({ tenantId: t.tenantId, customerRef: "cus_eu", now })).total).toBe(1000);
    // A customer without usage yet gets the currency of most of the tenant's prices.
    await db.customer.create({ data: { tenantId: t.tenantId, id: newId("cst"), customerRef: "cus_new" } });
    expect((await projectUsage({ tenantId: t.tenantId, customerRef: "cus_new", now })).currency).toBe("usd");
  });

  it("answers through HTTP after real ingests for an anchored customer mid-period", async () => {
    const t = await createTestTenant();
    const realNow = Date.now();
    // anchor 3 days ago: the open period started then, so the customer is mid-period
    const anchor = new Date(realNow - 3 * DAY);
    await db.customer.create({
      data: { tenantId: t.tenantId, id: newId("cst"), customerRef: "cus_http", billingAnchor: anchor },
    });
    const period = periodFor(new Date(realNow), anchor);
    const body = {
      metric: "tokens",
      currency: "usd",
      billing_scheme: "tiered",
      tiers_mode: "graduated",
      tiers: [
        { up_to: 100000, unit_amount_decimal: "0.002" },
        { up_to: "inf", unit_amount_decimal: "0.001" },
      ],
    };
    await price(t, body);
    const ingestRes = await ingestEvents({
      tenantId: t.tenantId,
      events: [
        { metric: "tokens", customerRef: "cus_http", quantity: 90000, ts: new Date(realNow - 2 * DAY).toISOString() },
        {
          metric: "tokens",
          customerRef: "cus_http",
          quantity: "30000.5",
          ts: new Date(realNow - 60_000).toISOString(),
        },
      ],
    });
    expect(ingestRes.accepted).toBe(2);

    const res = await project(t, { customerRef: "cus_http" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    // the answer is exactly what the OpenAPI document promises
    expect(ZUsageProjection.strict().parse(res.body)).toBeTruthy();
    expect(res.body.period).toEqual({ start: period.start.toISOString(), end: period.end.toISOString() });
    expect(res.body.freshness.stalenessSeconds).toBe(0);
    const [line] = res.body.lineItems;
    // 100000 × 0.002 + 20000.5 × 0.001 = 200 + 20.0005 = 220.0005 -> 220 cents
    expect(line).toMatchObject({ metric: "tokens", quantity: "120000.5", amount: 220, currency: "usd" });
    expect(line.pricing.amountDecimal).toBe("220.0005");
    expect(res.body.total).toBe(220);
    // ~3 of ~30 days elapsed: the forecast extrapolates and is priced by the same engine
    const projected = Number(line.projectedQuantity);
    expect(projected).toBeGreaterThan(120000.5 * 5);
    const def = ZPriceDefinition.parse({
      currency: body.currency,
      billing_scheme: "tiered",
      tiers_mode: "graduated",
      tiers: body.tiers,
    });
    expect(line.projectedAmount).toBe(calculatePrice(def, line.projectedQuantity).amount);
    expect(res.body.projectedTotal).toBe(line.projectedAmount);
    expect(line.forecast.description).toMatch(/trailing-7-day/);
  });

  it("keeps the trailing rate exact when events are back-dated into days already rolled up", async () => {
    const t = await createTestTenant();
    await price(t, { metric: "calls", currency: "usd", unit_amount: 1 });
    const now = new Date("2026-11-20T12:00:00Z");
    await ingest(t, now, [
      ["calls", "cus_roll", 100, new Date("2026-11-15T09:00:00Z")],
      ["calls", "cus_roll", 50, new Date("2026-11-20T10:00:00Z")],
    ]);
    const trailing = async (at: Date) => {
      const line = (await projectUsage({ tenantId: t.tenantId, customerRef: "cus_roll", now: at })).lineItems[0];
      return {
        quantity: line.quantity,
        window: line.forecast.method === "run_rate" ? line.forecast.trailingWindow : null,
      };
    };
    // window: the last 7 full UTC days plus today
    expect(await trailing(now)).toEqual({
      quantity: "150",
      window: { start: "2026-11-13T00:00:00.000Z", end: now.toISOString(), quantity: "150" },
    });
    const rollups = () =>
      db.usageDailyRollup.findMany({
        where: { tenantId: t.tenantId, customerRef: "cus_roll" },
        orderBy: { day: "asc" },
      });
    const first = await rollups();
    expect(first.map((r) => [r.day.toISOString(), r.quantity.toString(), r.events])).toEqual([
      ["2026-11-15T00:00:00.000Z", "100", 1n],
    ]);
    // consistent with the counter: read, not rebuilt
    await trailing(now);
    expect((await rollups())[0].computedAt).toEqual(first[0].computedAt);

    // an event back-dated into a closed day, and one before the window
    await ingest(t, now, [
      ["calls", "cus_roll", "30.000125", new Date("2026-11-14T08:00:00Z")],
      ["calls", "cus_roll", 1000, new Date("2026-11-05T08:00:00Z")],
    ]);
    expect(await trailing(now)).toMatchObject({ quantity: "1180.000125", window: { quantity: "180.000125" } });

    // the next day, yesterday's events move from the ledger read into a rollup
    const tomorrow = new Date("2026-11-21T01:00:00Z");
    expect(await trailing(tomorrow)).toMatchObject({
      window: { start: "2026-11-14T00:00:00.000Z", quantity: "180.000125" },
    });
    expect((await rollups()).map((r) => [r.day.toISOString().slice(0, 10), r.quantity.toString()])).toEqual([
      ["2026-11-05", "1000"],
      ["2026-11-14", "30.000125"],
      ["2026-11-15", "100"],
      ["2026-11-20", "50"],
    ]);
  });

  it("keeps amounts a JSON number carries exactly and reports the ones it cannot as null, never a 500", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-11-11T00:00:00Z"); // 10 of November's 30 days elapsed
    const huge = 1_000_000_000_000_000; // 10^15 minor units a unit: within the schema's range
    await price(t, { metric: "launches", currency: "usd", unit_amount: huge });
    await price(t, { metric: "docks", currency: "usd", unit_amount: huge });
    await price(t, { metric: "api_calls", currency: "usd", unit_amount: 2 });
    const day2 = new Date("2026-11-02T00:00:00Z"); // before the trailing window: linear rate
    await ingest(t, now, [
      ["launches", "cus_one", 5, day2],
      ["api_calls", "cus_one", 100, day2],
      ["launches", "cus_two", 5, day2],
      ["docks", "cus_two", 5, day2],
      ["launches", "cus_ten", 10, day2],
    ]);
    const at = (customerRef: string) => projectUsage({ tenantId: t.tenantId, customerRef, now });
    // every priced metric has a line, the ones without usage at 0
    const amounts = (p: { lineItems: Array<{ metric: string; amount: number | null }> }) =>
      Object.fromEntries(p.lineItems.map((l) => [l.metric, l.amount]));

    // 5 × 10^15 fits; the forecast (5 + 0.5/day × 20 = 15 units) does not
    const one = await at("cus_one");
    expect(() => ZUsageProjection.parse(one)).not.toThrow();
    const [calls, docks, launches] = one.lineItems;
    expect(docks).toMatchObject({ metric: "docks", amount: 0, projectedAmount: 0 });
    expect(launches).toMatchObject({
      metric: "launches",
      quantity: "5",
      amount: 5_000_000_000_000_000,
      projectedQuantity: "15",
      projectedAmount: null,
      reasonCode: "amount_overflow",
      reason:
        'The projected amount of "launches" exceeds 2^53 − 1 minor units, the largest integer a JSON number carries exactly.',
    });
    expect(launches.pricing?.amountDecimal).toBe("5000000000000000");
    expect(launches.pricing?.projectedBreakdown).toEqual([]);
    expect(calls).toMatchObject({ metric: "api_calls", amount: 200, projectedAmount: 600 });
    expect(calls.reasonCode).toBeUndefined();
    expect(one).toMatchObject({ subtotal: 5_000_000_000_000_200, total: 5_000_000_000_000_200, projectedTotal: null });

    // two lines of 5 × 10^15 each fit; their sum (10^16) does not
    const two = await at("cus_two");
    expect(amounts(two)).toEqual({ api_calls: 0, docks: 5_000_000_000_000_000, launches: 5_000_000_000_000_000 });
    expect(two).toMatchObject({ subtotal: null, total: null, projectedTotal: null });

    // 10 × 10^15 > 2^53 − 1 already: the line is unpriced and out of the totals
    const ten = await at("cus_ten");
    expect(ten.lineItems[2]).toMatchObject({
      metric: "launches",
      amount: null,
      projectedAmount: null,
      reasonCode: "amount_overflow",
      pricing: null,
    });
    expect(amounts(ten)).toEqual({ api_calls: 0, docks: 0, launches: null });
    expect(ten).toMatchObject({ subtotal: 0, total: 0, projectedTotal: 0 });

    // through HTTP, on today's clock: a 200 with the null totals, where it used to be a 500
    const recent = new Date(Date.now() - 60_000);
    await ingest(t, new Date(), [
      ["launches", "cus_http", 5, recent],
      ["docks", "cus_http", 5, recent],
    ]);
    const res = await project(t, { customerRef: "cus_http" });
    expect(res.status).toBe(200);
    expect(() => ZUsageProjection.parse(res.body)).not.toThrow();
    expect(res.body).toMatchObject({ subtotal: null, total: null, projectedTotal: null });
    expect(amounts(res.body)).toEqual({ api_calls: 0, docks: 5_000_000_000_000_000, launches: 5_000_000_000_000_000 });
  });

  it("answers 404 for an unknown customer and 422 for a bad body", async () => {
    const t = await createTestTenant();
    const missing = await project(t, { customerRef: "cus_ghost" });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
    const bad = await project(t, { customer: "x" });
    expect(bad.status).toBe(422);
    expect((await project(t, "nope")).status).toBe(400);
  });
});
